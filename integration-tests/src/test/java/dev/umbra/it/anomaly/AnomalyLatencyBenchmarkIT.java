package dev.umbra.it.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.Anomaly;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-to-alert latency and false alarms of the anomaly detector on a real primary with the
 * real agent and a real shadow. Run with {@code -Dumbra.bench=true}.
 *
 * <p>After {@code umbra.bench.warmup} s (90), a fault-free period of {@code umbra.bench.quietMinutes}
 * (30) counts false alarms; then {@code umbra.bench.pulses} (30) CPU spins of 3 s, 20 s apart, each
 * raise an anomaly whose latency is measured on the WatchAnomalies stream. The agent samples gauges
 * once a second at some phase within the second, and the anomaly names the grid second whose data
 * decided it; so the latency from the deciding observation to delivery lies between delivery −
 * (end of that second) and delivery − (start of that second). Both bounds are reported.
 */
@EnabledIfSystemProperty(named = "umbra.bench", matches = "true")
class AnomalyLatencyBenchmarkIT {
  static final int WARMUP = Integer.getInteger("umbra.bench.warmup", 90);
  static final int QUIET_MINUTES = Integer.getInteger("umbra.bench.quietMinutes", 30);
  static final int PULSES = Integer.getInteger("umbra.bench.pulses", 30);

  @TempDir Path work;
  private FaultRun run;

  @AfterEach
  void tearDown() throws Exception {
    if (run != null) {
      run.close();
    }
  }

  @Test
  void measuresEventToAlertLatency_andFalseAlarms() throws Exception {
    run = FaultRun.start(work);
    Thread.sleep(WARMUP * 1000L);
    long quietFrom = System.currentTimeMillis();
    Thread.sleep(QUIET_MINUTES * 60_000L);
    long quietTo = System.currentTimeMillis();
    List<Anomaly> falseAlarms = run.anomalies().stream()
        .filter(a -> a.getDetectedUnixMs() >= quietFrom && a.getDetectedUnixMs() <= quietTo).toList();
    int before = run.delivered.size();
    int detected = 0;
    List<Double> detectionDelays = new ArrayList<>();
    for (int p = 0; p < PULSES; p++) {
      long at = run.cue("spin");
      int seen = run.delivered.size();
      Thread.sleep(3000);
      run.cue("stop");
      Thread.sleep(17_000);
      var mine = run.delivered.subList(seen, run.delivered.size()).stream()
          .filter(d -> d.anomaly().getEvidenceUnixMs() >= at - 1000).findFirst();
      if (mine.isPresent()) {
        detected++;
        detectionDelays.add((mine.get().deliveredMillis() - at) / 1000.0);
      }
    }
    var pulses = run.delivered.subList(before, run.delivered.size());
    double[] upper = pulses.stream().mapToDouble(d -> (d.deliveredMillis() - d.anomaly().getEvidenceUnixMs()) / 1000.0).sorted().toArray();
    double[] lower = pulses.stream().mapToDouble(d -> (d.deliveredMillis() - d.anomaly().getEvidenceUnixMs() - 1000) / 1000.0).sorted().toArray();
    double[] delays = detectionDelays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    List<String> report = new ArrayList<>();
    report.add(String.format(Locale.ROOT, "anomaly benchmark %s, %d CPUs, load %s", Instant.now(),
        Runtime.getRuntime().availableProcessors(), loadAverage()));
    report.add(String.format(Locale.ROOT, "false alarms: %d in %d min fault-free (%.2f per hour) %s", falseAlarms.size(),
        QUIET_MINUTES, falseAlarms.size() * 60.0 / QUIET_MINUTES, AnomalyFaultIT.summary(falseAlarms)));
    report.add(String.format(Locale.ROOT, "pulses: %d, detected: %d, anomalies delivered: %d", PULSES, detected, pulses.size()));
    report.add("event-to-alert, upper bound (s): " + stats(upper));
    report.add("event-to-alert, lower bound (s): " + stats(lower));
    report.add("fault-to-delivery detection delay (s): " + stats(delays));
    report.forEach(l -> System.out.println("AnomalyLatencyBenchmarkIT: " + l));
    assertThat(pulses).as(String.join("\n", report)).isNotEmpty();
  }

  static String stats(double[] sorted) {
    if (sorted.length == 0) {
      return "no samples";
    }
    return String.format(Locale.ROOT, "n=%d min %.2f p50 %.2f p90 %.2f p99 %.2f max %.2f", sorted.length, sorted[0],
        q(sorted, 0.5), q(sorted, 0.9), q(sorted, 0.99), sorted[sorted.length - 1]);
  }

  static double q(double[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
