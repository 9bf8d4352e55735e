package dev.umbra.shadow.anomaly;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The surprise score of one primary's series: a {@link SurpriseDetector} per series, with the same
 * {@link SurpriseSettings} that {@code umbra nab} runs, fed each scored value as it comes (a
 * series' steps are its epoch seconds; the hour of the day is the second's, UTC), and the reports
 * it made (a score at or above {@link SurpriseSettings#report()}) over the last {@link #KEPT_STEPS}
 * steps. {@link IncidentGate} asks it whether the band detector's incident is surprising too.
 * Not thread-safe.
 */
final class SurpriseEvidence {
  /** Reports older than this many steps before the newest are forgotten. */
  static final int KEPT_STEPS = 120;

  private final SurpriseSettings settings;
  private final Map<String, SurpriseDetector> detectors = new HashMap<>();
  private final Map<String, TreeMap<Long, Double>> reports = new HashMap<>();

  SurpriseEvidence(SurpriseSettings settings) {
    this.settings = settings;
  }

  /** Scores one value of a series at {@code step} (an epoch second) and keeps it if it is a report. */
  void observe(long step, String series, double value) {
    int hour = (int) Math.floorMod(step / 3600, 24L);
    double score = detectors.computeIfAbsent(series, s -> new SurpriseDetector(settings)).observe(value, hour);
    if (score >= settings.report()) {
      report(step, series, score);
    }
  }

  /** Keeps a report of {@code series} at {@code step}, forgetting reports more than {@link #KEPT_STEPS} older. */
  void report(long step, String series, double score) {
    TreeMap<Long, Double> kept = reports.computeIfAbsent(series, s -> new TreeMap<>());
    kept.put(step, score);
    kept.headMap(step - KEPT_STEPS).clear();
  }

  /** The highest score {@code series} reported in {@code from..to} (inclusive), if any. */
  OptionalDouble reported(String series, long from, long to) {
    TreeMap<Long, Double> kept = reports.get(series);
    if (kept == null || from > to) {
      return OptionalDouble.empty();
    }
    NavigableMap<Long, Double> in = kept.subMap(from, true, to, true);
    return in.values().stream().mapToDouble(Double::doubleValue).max();
  }
}
