package dev.umbra.it.checkpoint;

import dev.umbra.it.shadow.ShadowProcess;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.CheckpointInfo;
import dev.umbra.proto.v1.CheckpointRequest;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.RollbackRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The app engine's checkpoint and restore times and sizes (not a test; run by {@code
 * bench/checkpoint.sh}). A real {@code umbra serve} and, per state size, a primary with the
 * agent holding that much {@code Checkpointable} state; each round takes a checkpoint through
 * {@code ControlService.Checkpoint} and rolls back to it through {@code Rollback}, timed at the
 * client (command, snapshot or restore, transfer, SHA-256, fsync). Reports the median with the
 * minimum and maximum over the rounds, after one warm-up round.
 *
 * <p>Arguments: {@code rounds [sizes MiB, comma-separated] [out.md]}.
 */
public final class CheckpointBenchmark {
  private CheckpointBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String[] sizes = (args.length > 1 ? args[1] : "1,100").split(",");
    Path work = Files.createTempDirectory("umbra-checkpoint-bench");
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "| state | stored size | checkpoint ms (median, min–max) | restore ms (median, min–max) | rounds |%n|---|---|---|---|---|%n"));
    try (ShadowProcess shadow = ShadowProcess.start(work, "-Xmx1g")) {
      for (String size : sizes) {
        int mib = Integer.parseInt(size.trim());
        try (JavaProcess primary = JavaProcess.start("holder-" + mib, JavaProcess.java17Home(),
            List.of("-Xmx" + (3 * mib + 128) + "m",
                "-javaagent:" + JavaProcess.agentJar() + "=" + shadow.agentOptions(),
                "-cp", JavaProcess.testClasses() + java.io.File.pathSeparator + UmbraRun.umbraApi(),
                "dev.umbra.it.primaries.StateHolder", Integer.toString(mib)), Map.of(), work)) {
          primary.awaitOutput("state holder ready", Duration.ofSeconds(120));
          String id = awaitApp(shadow, primary);
          List<Double> checkpoints = new ArrayList<>();
          List<Double> restores = new ArrayList<>();
          long stored = 0;
          for (int round = 0; round <= rounds; round++) {
            long t0 = System.nanoTime();
            CheckpointInfo info = shadow.control().withDeadlineAfter(5, java.util.concurrent.TimeUnit.MINUTES)
                .checkpoint(CheckpointRequest.newBuilder().setPrimaryId(id).setEngine("app").build());
            long t1 = System.nanoTime();
            shadow.control().withDeadlineAfter(5, java.util.concurrent.TimeUnit.MINUTES)
                .rollback(RollbackRequest.newBuilder().setPrimaryId(id).setCheckpointId(info.getCheckpointId())
                    .setReason("benchmark").build());
            long t2 = System.nanoTime();
            stored = info.getSizeBytes();
            if (round > 0) { // round 0 warms up
              checkpoints.add((t1 - t0) / 1e6);
              restores.add((t2 - t1) / 1e6);
            }
          }
          if (primary.output().contains("restore MISMATCH") || !primary.output().contains("restore ok")) {
            throw new IllegalStateException("a restore did not bring the state back:\n" + primary.output());
          }
          table.append(String.format(Locale.ROOT, "| %d MiB | %.1f MiB | %s | %s | %d |%n", mib, stored / 1048576.0,
              spread(checkpoints), spread(restores), rounds));
          System.out.println("done " + mib + " MiB");
        }
      }
    }
    System.out.print(table);
    if (args.length > 2) {
      Files.writeString(Path.of(args[2]), table.toString());
    }
  }

  private static String awaitApp(ShadowProcess shadow, JavaProcess primary) throws InterruptedException {
    String[] id = new String[1];
    primary.awaitCondition("the primary to offer the app engine", () -> {
      for (Primary p : shadow.primaries(false)) {
        if (p.getPid() == primary.pid() && p.getCapabilities().getCheckpointEnginesList().contains("app")) {
          id[0] = p.getPrimaryId();
          return true;
        }
      }
      return false;
    }, Duration.ofSeconds(120));
    return id[0];
  }

  private static String spread(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    return String.format(Locale.ROOT, "%.0f (%.0f–%.0f)", median, sorted.get(0), sorted.get(sorted.size() - 1));
  }
}
