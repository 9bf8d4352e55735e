package dev.umbra.shadow.anomaly;

import dev.umbra.shadow.series.Canonical;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One primary's canonical series as the shadow scores them: {@code alloc.rate} as its trailing
 * mean over {@link #BURSTY} seconds, each series' seconds in order (a second that is not after the
 * series' newest scored one is skipped), then its {@link PrimaryDetector}. {@link
 * AnomalyDetection} runs one per primary; a replay of recorded series runs the same.
 * Not thread-safe.
 */
final class PrimaryScoring {
  /**
   * {@code alloc.rate} comes from JFR allocation samples, which arrive in bursts (seen in the
   * fault IT: 0 B/s for 4 s, then three times the rate for 3 s, in a steady workload); the
   * detector sees its trailing mean over this many seconds instead.
   */
  static final int BURSTY = 5;
  private static final String ALLOC = Canonical.ALLOC_RATE.seriesName().value();

  private final PrimaryDetector detector;
  private final Map<String, Long> lastSecond = new HashMap<>();
  private final Ring allocation = new Ring(BURSTY);

  PrimaryScoring(DetectorSettings settings) {
    this.detector = AnomalyDetection.newPrimaryDetector(settings);
  }

  /** Scores one grid second of some series; empty when all of them were already scored. */
  Optional<PrimaryDetector.Step> observe(long second, Map<String, Double> valuesBySeries) {
    Map<String, Double> values = new LinkedHashMap<>();
    valuesBySeries.forEach((series, value) -> {
      if (second > lastSecond.getOrDefault(series, Long.MIN_VALUE)) {
        values.put(series, value);
        lastSecond.put(series, second);
      }
    });
    if (values.isEmpty()) {
      return Optional.empty();
    }
    Double alloc = values.get(ALLOC);
    if (alloc != null) {
      allocation.add(alloc);
      values.put(ALLOC, allocation.mean());
    }
    return Optional.of(detector.observe(second, values));
  }
}
