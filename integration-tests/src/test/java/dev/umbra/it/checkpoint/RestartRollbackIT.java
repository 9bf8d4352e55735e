package dev.umbra.it.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.primaries.HeatSimulation;
import dev.umbra.proto.v1.Primary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart engine end to end: the same simulation without registered state; the fault's heap
 * climb makes {@code umbra run} restart the primary from its launch command (its known-good
 * state), and the fresh run finishes with exactly the fault-free result and exit code 0.
 */
class RestartRollbackIT {
  static final int STEPS = 600;
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
  void restartsTheMisbehavingPrimary_andItsFreshRunFinishesWithTheFaultFreeResult() throws Exception {
    String expected = HeatSimulation.expected(STEPS);
    run = UmbraRun.start(work, List.of("--checkpoint-every", "2s"),
        UmbraRun.primary(List.of("-Xmx1g", "-Xmn24m"), "dev.umbra.it.primaries.HeatSimulation", "plain", Integer.toString(STEPS), "25"));

    AtomicReference<Primary> primary = new AtomicReference<>();
    run.process.awaitCondition("12 s of heap telemetry from the primary", () -> {
      try {
        run.connectedPrimary().ifPresent(primary::set);
        return primary.get() != null && run.heapSeconds(primary.get().getPrimaryId()) >= 12;
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofSeconds(180));
    assertThat(primary.get().getCapabilities().getCheckpointEnginesList()).doesNotContain("app");

    Files.writeString(work.resolve("fault"), "now");

    int code = run.process.awaitExit(Duration.ofMinutes(4));
    String output = run.process.output();
    assertThat(output).contains("fault injected at step 100");
    assertThat(output).containsPattern("rolling back .* with the restart engine: anomaly levelwatch-\\d+");
    assertThat(output).containsPattern("primary pid \\d+ restart \\(anomaly");
    assertThat(output).contains("result " + expected + " after " + STEPS + " steps");
    assertThat(output).containsPattern("primary pid \\d+ exited with code 0");
    assertThat(output.lines().filter(l -> l.startsWith("result ")).count()).as("results printed").isEqualTo(1);
    assertThat(code).isZero();
  }
}
