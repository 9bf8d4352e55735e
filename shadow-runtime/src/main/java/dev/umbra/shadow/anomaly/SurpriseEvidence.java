package dev.umbra.shadow.anomaly;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The surprise score of one primary's series: a {@link SurpriseDetector} per series, with the same
 * {@link SurpriseSettings} that {@code umbra nab} runs, fed each scored value as it comes (a
 * series' steps are its epoch seconds; the hour of the day is the second's, UTC), and the steps of
 * the last {@link #KEPT_STEPS} at which a value was surprising: its score, before any rest after
 * an earlier report zeroed it ({@link SurpriseDetector#unrestedScore()}), at or above {@link
 * SurpriseSettings#report()}. {@link IncidentGate} asks it whether the band detector's incident is
 * surprising too. Not thread-safe.
 */
final class SurpriseEvidence {
  /** Surprising steps older than this many steps before the newest are forgotten. */
  static final int KEPT_STEPS = 120;

  private final SurpriseSettings settings;
  private final Map<String, SurpriseDetector> detectors = new HashMap<>();
  private final Map<String, TreeMap<Long, Double>> surprising = new HashMap<>();

  SurpriseEvidence(SurpriseSettings settings) {
    this.settings = settings;
  }

  SurpriseSettings settings() {
    return settings;
  }

  /** Scores one value of a series at {@code step} (an epoch second) and keeps the step if it was surprising. */
  void observe(long step, String series, double value) {
    int hour = (int) Math.floorMod(step / 3600, 24L);
    SurpriseDetector detector = detectors.computeIfAbsent(series, s -> new SurpriseDetector(settings));
    detector.observe(value, hour);
    if (detector.unrestedScore() >= settings.report()) {
      surprising(step, series, detector.unrestedScore());
    }
  }

  /** Keeps a surprising value of {@code series} at {@code step}, forgetting those more than {@link #KEPT_STEPS} older. */
  void surprising(long step, String series, double score) {
    TreeMap<Long, Double> kept = surprising.computeIfAbsent(series, s -> new TreeMap<>());
    kept.put(step, score);
    kept.headMap(step - KEPT_STEPS).clear();
  }

  /** The highest score of a surprising value of {@code series} in {@code from..to} (inclusive), if any. */
  OptionalDouble surprising(String series, long from, long to) {
    TreeMap<Long, Double> kept = surprising.get(series);
    if (kept == null || from > to) {
      return OptionalDouble.empty();
    }
    NavigableMap<Long, Double> in = kept.subMap(from, true, to, true);
    return in.values().stream().mapToDouble(Double::doubleValue).max();
  }
}
