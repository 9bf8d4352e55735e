package dev.umbra.shadow.anomaly;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What scoring one primary costs the shadow (docs/anomalies.md, "Cost"): CPU per primary-second
 * of {@link PrimaryScoring} (the band detectors, every series' {@link SurpriseDetector} and the
 * gate), and of the surprise scores alone, over a simulated day, and the heap one primary's
 * scoring holds after it. The day is a recorded AnomalyFaultIT primary (17 series, one value a
 * second) replayed back to back with its seconds shifted. Not a test (no assertions, not run by
 * surefire); run it alone on a quiet core:
 *
 * <pre>
 * java -Xmx1g -cp shadow-runtime/target/classes:shadow-runtime/target/test-classes:$(cat cp.txt) \
 *   dev.umbra.shadow.anomaly.AnomalyCostBenchmark [recorded.csv] [hours] [reps]
 * </pre>
 */
public final class AnomalyCostBenchmark {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private AnomalyCostBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path csv = Path.of(args.length > 0 ? args[0]
        : "shadow-runtime/src/test/resources/anomaly/fault-runs/2026-12-07-ci/quiet.csv");
    int hours = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<Map<String, Double>> recorded = FaultReplay.read(csv).stream().map(FaultReplay.Recorded::values).toList();
    int series = recorded.stream().mapToInt(Map::size).max().orElse(0);
    System.out.printf(Locale.ROOT, "%s: %d s recorded, up to %d series a second; %d simulated hours, %d reps%n",
        csv, recorded.size(), series, hours, reps);
    for (int rep = 1; rep <= reps; rep++) {
      PrimaryScoring scoring = new PrimaryScoring(DetectorSettings.DEFAULT);
      double[] scoringUs = run(recorded, hours, (second, values) -> scoring.observe(second, values));
      SurpriseEvidence surprise = new SurpriseEvidence(SurpriseSettings.DEFAULT);
      double[] surpriseUs = run(recorded, hours,
          (second, values) -> values.forEach((name, value) -> surprise.observe(second, name, value)));
      System.out.printf(Locale.ROOT, "rep %d: CPU per primary-second, whole scoring: first hour %.1f µs, last hour %.1f µs, "
          + "day %.1f µs; surprise scores alone: %.1f / %.1f / %.1f µs%n", rep, scoringUs[0], scoringUs[1],
          scoringUs[2], surpriseUs[0], surpriseUs[1], surpriseUs[2]);
    }
    // heap held by one primary's scoring after the day: the difference over a few live copies
    int copies = 4;
    long before = usedAfterGc();
    List<PrimaryScoring> held = new ArrayList<>();
    for (int i = 0; i < copies; i++) {
      PrimaryScoring scoring = new PrimaryScoring(DetectorSettings.DEFAULT);
      run(recorded, hours, (second, values) -> scoring.observe(second, values));
      held.add(scoring);
    }
    long after = usedAfterGc();
    System.out.printf(Locale.ROOT, "heap per primary after %d h: %.0f KB (%d copies held)%n", hours,
        (after - before) / 1024.0 / copies, held.size());
  }

  private interface Scorer {
    void observe(long second, Map<String, Double> values);
  }

  /** Feeds {@code hours} of the recording; CPU µs per second in the first hour, the last hour and overall. */
  private static double[] run(List<Map<String, Double>> recorded, int hours, Scorer scorer) {
    long seconds = hours * 3600L;
    long second = 1_764_300_000L;
    long start = CPU.getCurrentThreadCpuTime();
    long firstHourEnd = 0;
    long lastHourStart = 0;
    for (long s = 0; s < seconds; s++) {
      if (s == Math.min(3600, seconds)) {
        firstHourEnd = CPU.getCurrentThreadCpuTime();
      }
      if (s == Math.max(0, seconds - 3600)) {
        lastHourStart = CPU.getCurrentThreadCpuTime();
      }
      scorer.observe(second + s, recorded.get((int) (s % recorded.size())));
    }
    long end = CPU.getCurrentThreadCpuTime();
    if (seconds <= 3600) {
      firstHourEnd = end; // the first hour is the whole run
    }
    long hourSeconds = Math.min(3600, seconds);
    return new double[] {(firstHourEnd - start) / 1e3 / hourSeconds, (end - lastHourStart) / 1e3 / hourSeconds,
        (end - start) / 1e3 / seconds};
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
