package dev.umbra.it.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.primaries.HeatSimulation;
import dev.umbra.proto.v1.CheckpointState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crac engine end to end, with the agent in the primary (its CRaC resource closes its stream
 * to the shadow before each checkpoint and reconnects after each restore), on a CRaC JDK: the
 * one {@code UMBRA_CRAC_JAVA_HOME} names, else the first of this JVM's own JDK and those in
 * {@code /usr/lib/jvm} that accepts {@code -XX:CRaCCheckpointTo}. Skipped, with that reason,
 * where there is none, as on the project's build machines, so it has never run there.
 */
class CracIT {
  static final int STEPS = 700;
  @TempDir Path work;
  private UmbraRun run;

  @AfterEach
  void tearDown() throws Exception {
    if (run != null) {
      System.out.println("--- output of umbra run (and its primary) ---\n" + run.process.output());
      run.close();
    }
  }

  @Test
  void restoresTheLastKnownGoodImage_andFinishesWithTheFaultFreeResult() throws Exception {
    Optional<Path> crac = cracJavaHome();
    Assumptions.assumeTrue(crac.isPresent(), "skipped: no CRaC JDK (UMBRA_CRAC_JAVA_HOME is not set, and neither "
        + System.getProperty("java.home") + " nor any JDK in /usr/lib/jvm accepts -XX:CRaCCheckpointTo)");
    Path home = crac.get();
    String expected = HeatSimulation.expected(STEPS);
    List<String> primary = new ArrayList<>(UmbraRun.primary(List.of("-Xmx1g", "-Xmn24m"),
        "dev.umbra.it.primaries.HeatSimulation", "plain", Integer.toString(STEPS), "25"));
    primary.set(0, home.resolve("bin/java").toString());
    run = UmbraRun.start(work, List.of("--engine", "crac", "--checkpoint-every", "5s", "--checkpoint-quiet", "8s"), primary);

    run.process.awaitCondition("a known-good CRaC image", () -> {
      try {
        return run.checkpoints().stream().anyMatch(c -> c.getEngine().equals("crac")
            && c.getState() == CheckpointState.CHECKPOINT_STATE_KNOWN_GOOD);
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofMinutes(3));
    Files.writeString(work.resolve("fault"), "now");

    int code = run.process.awaitExit(Duration.ofMinutes(5));
    String output = run.process.output();
    assertThat(output).contains("fault injected at step 100").containsPattern("rolled back to CRaC image crac-\\S+");
    assertThat(output).contains("result " + expected + " after " + STEPS + " steps");
    assertThat(code).isZero();
  }

  /**
   * The CRaC JDK to run on: {@code UMBRA_CRAC_JAVA_HOME} (which must then be one: a wrong name
   * fails the test rather than skipping it), else the first JDK found that accepts
   * {@code -XX:CRaCCheckpointTo}.
   */
  static Optional<Path> cracJavaHome() throws Exception {
    String named = System.getenv("UMBRA_CRAC_JAVA_HOME");
    if (named != null && !named.isBlank()) {
      assertThat(acceptsCrac(Path.of(named))).as("UMBRA_CRAC_JAVA_HOME=" + named + " is a CRaC JDK").isTrue();
      return Optional.of(Path.of(named));
    }
    List<Path> candidates = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> homes = Files.list(jvms)) {
        homes.filter(h -> Files.isExecutable(h.resolve("bin/java")) && !Files.isSymbolicLink(h)).sorted().forEach(candidates::add);
      }
    }
    for (Path home : candidates) {
      if (acceptsCrac(home)) {
        return Optional.of(home);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code home}'s java runs with {@code -XX:CRaCCheckpointTo} (an unknown option makes it exit 1). */
  static boolean acceptsCrac(Path home) throws Exception {
    Path java = home.resolve("bin/java");
    if (!Files.isExecutable(java)) {
      return false;
    }
    Path probe = Files.createTempDirectory("crac-probe");
    try {
      Process p = new ProcessBuilder(java.toString(), "-XX:CRaCCheckpointTo=" + probe, "-version")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } finally {
      Files.deleteIfExists(probe);
    }
  }
}
