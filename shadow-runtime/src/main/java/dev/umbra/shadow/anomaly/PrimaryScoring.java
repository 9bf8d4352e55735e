package dev.umbra.shadow.anomaly;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One primary's scored series as the shadow scores them: each series' seconds in order (a second
 * that is not after the series' newest scored one is skipped), then its {@link PrimaryDetector}.
 * ({@code alloc.rate} was scored as its 5 s trailing mean; that turned one second of missing JFR
 * allocation samples into a 5 s dip, the quiet primary's false alarm; a rate's dips and catch-ups
 * are now judged by the detector: {@link Repayment}, {@link SeriesDetector#LOW_RATE_STEPS}.) Each
 * value also goes to the series' {@link SurpriseDetector} ({@link SurpriseEvidence}, the settings
 * {@code umbra nab} runs), and an incident is published only once it agrees ({@link IncidentGate}).
 * {@link AnomalyDetection} runs one per primary; a replay of recorded series runs the same.
 * Not thread-safe.
 */
final class PrimaryScoring {
  private final PrimaryDetector detector;
  private final SurpriseEvidence surprise = new SurpriseEvidence(SurpriseSettings.DEFAULT);
  private final IncidentGate gate = new IncidentGate(surprise);
  private final Map<String, Long> lastSecond = new HashMap<>();

  PrimaryScoring(DetectorSettings settings) {
    this.detector = AnomalyDetection.newPrimaryDetector(settings);
  }

  /** Scores one grid second of some series; empty when all of them were already scored; published incidents only. */
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
    values.forEach((series, value) -> surprise.observe(second, series, value));
    return Optional.of(gate.pass(second, detector.observe(second, values)));
  }
}
