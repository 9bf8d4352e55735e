package dev.umbra.it.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.primaries.HeatSimulation;
import dev.umbra.proto.v1.CheckpointState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crac engine end to end, on a CRaC JDK named by {@code UMBRA_CRAC_JAVA_HOME}; skipped
 * ("skipped: no CRaC JDK") where there is none, as on the project's build machines, so it has
 * never run there.
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
    String home = System.getenv("UMBRA_CRAC_JAVA_HOME");
    Assumptions.assumeTrue(home != null && Files.isExecutable(Path.of(home, "bin", "java")), "skipped: no CRaC JDK");
    String expected = HeatSimulation.expected(STEPS);
    List<String> primary = new ArrayList<>(UmbraRun.primary(List.of("-Xmx1g", "-Xmn24m"),
        "dev.umbra.it.primaries.HeatSimulation", "plain", Integer.toString(STEPS), "25"));
    primary.set(0, Path.of(home, "bin", "java").toString());
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
}
