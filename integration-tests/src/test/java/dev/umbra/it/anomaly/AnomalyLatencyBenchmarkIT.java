package dev.umbra.it.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.Anomaly;
import java.nio.file.Files;
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
 * Event-to-alert latency and false alarms of the anomaly detector: two fault primaries with the
 * real agent and one real shadow, side by side, as in {@link AnomalyFaultIT}. Run with
 * {@code -Dumbra.bench=true}; a benchmark, so it reports and asserts only that it measured.
 *
 * <p>After {@code umbra.bench.warmup} s (45), for {@code umbra.bench.minutes} (20): the
 * <em>quiet</em> primary runs fault-free, and every anomaly it raises is a false alarm; the
 * <em>pulsed</em> primary gets a fault held {@code umbra.bench.holdSeconds} (8; a rate must stay
 * out of its band 3 s above it, 5 s below) every {@code umbra.bench.pulseSeconds} (30) s, the
 * faults taken in turn from {@code umbra.bench.faults} ({@code spin,threads,io-stall,drop}: each
 * series is hit once in two minutes, less than the tenth of its window that its band leaves
 * outside, so the pulses do not become its normal), and each anomaly it raises is timed on the
 * WatchAnomalies stream. The agent samples gauges once a
 * second at some phase within the second, and the anomaly names the grid second whose data decided
 * it; so the latency from the deciding observation to delivery lies between delivery − (end of
 * that second) and delivery − (start of that second). Both bounds are reported. Both primaries'
 * series go to {@code target/anomaly-benchmark/*.csv}, for replay through the detector, with the
 * pulsed primary's cues ({@code pulses.csv}: fault, cue time, whether an anomaly came); pulses
 * that raised none are named in the report.
 */
@EnabledIfSystemProperty(named = "umbra.bench", matches = "true")
class AnomalyLatencyBenchmarkIT {
  static final int WARMUP = Integer.getInteger("umbra.bench.warmup", 45);
  static final int MINUTES = Integer.getInteger("umbra.bench.minutes", 20);
  static final int PULSE_SECONDS = Integer.getInteger("umbra.bench.pulseSeconds", 30);
  static final int HOLD_SECONDS = Integer.getInteger("umbra.bench.holdSeconds", 8);
  static final List<String> FAULTS = List.of(System.getProperty("umbra.bench.faults", "spin,threads,io-stall,drop").split(","));

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
    run = FaultRun.start(work, "quiet", "pulsed");
    FaultRun.FaultProcess quiet = run.primary("quiet");
    FaultRun.FaultProcess pulsed = run.primary("pulsed");
    Thread.sleep(WARMUP * 1000L);
    long from = System.currentTimeMillis();
    long to = from + MINUTES * 60_000L;
    int pulses = 0;
    int detected = 0;
    java.util.Map<String, Integer> pulsesBy = new java.util.TreeMap<>();
    java.util.Map<String, Integer> detectedBy = new java.util.TreeMap<>();
    List<Double> detectionDelays = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    List<String> cues = new ArrayList<>(List.of("fault,at_ms,detected"));
    while (System.currentTimeMillis() + PULSE_SECONDS * 1000L <= to) {
      String fault = FAULTS.get(pulses % FAULTS.size());
      long at = pulsed.cue(fault);
      pulses++;
      Thread.sleep(HOLD_SECONDS * 1000L);
      pulsed.cue("stop");
      Thread.sleep(PULSE_SECONDS * 1000L - HOLD_SECONDS * 1000L);
      var mine = pulsed.delivered().stream()
          .filter(d -> d.anomaly().getEvidenceUnixMs() >= at - 1000 && d.anomaly().getEvidenceUnixMs() < at + HOLD_SECONDS * 1000L)
          .findFirst();
      detectedBy.merge(fault, mine.isPresent() ? 1 : 0, Integer::sum);
      pulsesBy.merge(fault, 1, Integer::sum);
      cues.add(fault + "," + at + "," + mine.isPresent());
      if (mine.isEmpty()) {
        missed.add(String.format(Locale.ROOT, "%s at +%.0f s", fault, (at - from) / 1000.0));
      }
      if (mine.isPresent()) {
        detected++;
        detectionDelays.add((mine.get().deliveredMillis() - at) / 1000.0);
      }
    }
    long end = System.currentTimeMillis();
    List<Anomaly> falseAlarms = quiet.anomalies().stream()
        .filter(a -> a.getDetectedUnixMs() >= from && a.getDetectedUnixMs() <= end).toList();
    var timed = pulsed.delivered().stream().filter(d -> d.anomaly().getEvidenceUnixMs() >= from).toList();
    double[] upper = timed.stream().mapToDouble(d -> (d.deliveredMillis() - d.anomaly().getEvidenceUnixMs()) / 1000.0).sorted().toArray();
    double[] lower = timed.stream().mapToDouble(d -> (d.deliveredMillis() - d.anomaly().getEvidenceUnixMs() - 1000) / 1000.0).sorted().toArray();
    double[] delays = detectionDelays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double minutes = (end - from) / 60_000.0;
    List<String> report = new ArrayList<>();
    report.add(String.format(Locale.ROOT, "anomaly benchmark %s, %d CPUs, load %s", Instant.now(),
        Runtime.getRuntime().availableProcessors(), loadAverage()));
    report.add(String.format(Locale.ROOT, "false alarms of the quiet primary: %d in %.1f min fault-free (%.2f per hour) %s",
        falseAlarms.size(), minutes, falseAlarms.size() * 60.0 / minutes, AnomalyFaultIT.summary(falseAlarms)));
    report.add(String.format(Locale.ROOT, "pulses: %d %s, detected: %d %s, anomalies of the pulsed primary: %d; missed: %s",
        pulses, pulsesBy, detected, detectedBy, timed.size(), missed));
    report.add("event-to-alert, upper bound (s): " + stats(upper));
    report.add("event-to-alert, lower bound (s): " + stats(lower));
    report.add("fault-to-delivery detection delay (s): " + stats(delays));
    try {
      Path dir = Path.of(System.getProperty("umbra.it.artifacts", "target")).resolve("anomaly-benchmark");
      quiet.dumpSeries(run.shadow, dir.resolve("quiet.csv"), from - WARMUP * 1000L);
      pulsed.dumpSeries(run.shadow, dir.resolve("pulsed.csv"), from - WARMUP * 1000L);
      Files.write(dir.resolve("pulses.csv"), cues);
      report.add("series written to " + dir.toAbsolutePath());
    } catch (Exception e) {
      report.add("series not written: " + e);
    }
    report.forEach(l -> System.out.println("AnomalyLatencyBenchmarkIT: " + l));
    assertThat(timed).as(String.join("\n", report)).isNotEmpty();
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
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
