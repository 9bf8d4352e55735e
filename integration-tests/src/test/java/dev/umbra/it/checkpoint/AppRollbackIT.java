package dev.umbra.it.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.primaries.HeatSimulation;
import dev.umbra.proto.v1.CheckpointState;
import dev.umbra.proto.v1.Primary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import dev.umbra.it.support.JavaProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app engine end to end: {@code umbra run} supervises a heat simulation that registers its
 * field as a Checkpointable and is checkpointed every 2 s. Once a checkpoint is known-good, the
 * test triggers the fault: the field is corrupted and the run leaks memory; the shadow sees the
 * heap climb (the anomaly source of {@code umbra run}), rolls the primary back in place to the
 * last known-good checkpoint, and the simulation finishes with exactly the fault-free result.
 * Primaries on JDK 17 and, where installed, 25, the two runs side by side: each waits most of
 * its minute on its own detector's warm-up, and no fact here is timed (the leak only has to be
 * seen before the run's last step).
 */
class AppRollbackIT {
  static final int STEPS = 700;
  @TempDir Path work;
  private UmbraRun run;
  private Path javaHome;

  @AfterEach
  void tearDown() throws Exception {
    if (run != null) {
      System.out.println("--- output of umbra run (and its primary on " + javaHome + ") ---\n" + run.process.output());
      run.close();
    }
  }

  static java.util.stream.Stream<Path> javaHomes() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(JavaProcess.java17Home()), JavaProcess.java25Home().stream());
  }

  @ParameterizedTest(name = "primary on {0}")
  @MethodSource("javaHomes")
  @Execution(ExecutionMode.CONCURRENT)
  void rollsBackToTheLastKnownGoodCheckpoint_andFinishesWithTheFaultFreeResult(Path javaHome) throws Exception {
    this.javaHome = javaHome;
    String expected = HeatSimulation.expected(STEPS);
    run = UmbraRun.start(work, List.of("--checkpoint-every", "2s", "--checkpoint-quiet", "8s", "--rollback-cooldown", "60s"),
        UmbraRun.primary(javaHome, List.of("-Xmx1g", "-Xmn24m"), "dev.umbra.it.primaries.HeatSimulation", "app", Integer.toString(STEPS), "25"));

    AtomicReference<Primary> primary = new AtomicReference<>();
    run.process.awaitCondition("the primary to connect and offer the app engine", () -> {
      try {
        run.connectedPrimary().filter(p -> p.getCapabilities().getCheckpointEnginesList().contains("app")).ifPresent(primary::set);
        return primary.get() != null;
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofSeconds(120));
    assertThat(primary.get().getCapabilities().getCheckpointablesList()).contains("heat-field");
    run.process.awaitCondition("a known-good checkpoint and 45 s of heap telemetry (the detector learns each series first)", () -> {
      try {
        return run.checkpoints().stream().anyMatch(c -> c.getState() == CheckpointState.CHECKPOINT_STATE_KNOWN_GOOD)
            && run.heapSeconds(primary.get().getPrimaryId()) >= 45;
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofSeconds(180));

    Files.writeString(work.resolve("fault"), "now");

    int code = run.process.awaitExit(Duration.ofMinutes(4));
    String output = run.process.output();
    assertThat(output).contains("fault injected at step " + 100);
    assertThat(output).containsPattern("rolling back .* with the app engine: anomaly \\S+: \\S+ of \\S+");
    assertThat(output).containsPattern("rolled back to checkpoint ck-\\S+ in place");
    assertThat(output).containsPattern("restored at step \\d+");
    assertThat(output).contains("result " + expected + " after " + STEPS + " steps");
    assertThat(output.lines().filter(l -> l.startsWith("result ")).count()).as("results printed").isEqualTo(1);
    assertThat(code).isZero();
  }
}
