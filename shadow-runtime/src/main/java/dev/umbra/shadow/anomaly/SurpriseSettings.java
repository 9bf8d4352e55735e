package dev.umbra.shadow.anomaly;

import java.util.List;

/**
 * Parameters of the {@link SurpriseDetector}, in steps (one row of a NAB file, one grid second in
 * the shadow). {@link #DEFAULT} is the one set used for every series and file; it was chosen on
 * the shared NAB subset as a whole, never per file or category, and the score stays within ~1
 * point of its best over wide ranges of each parameter (docs/anomalies.md, "NAB": the sweep).
 *
 * @param contexts sizes of the recent windows whose empirical distributions forecast the next
 *     value, one surprise and one likelihood each (short and long context)
 * @param bins bins of the range seen so far that the sequence forecast ({@link BinTransitions}) counts in
 * @param order values of context the sequence forecast looks back at (it backs off to fewer)
 * @param learning steps before any score is given (the likelihood and the range learn meanwhile)
 * @param averaging recent surprises averaged before they are judged (Numenta's short window)
 * @param history averaged surprises whose distribution says what is usual (the long window; kept
 *     as sums per {@code reestimate} steps, so it holds up to {@code reestimate − 1} more)
 * @param reestimate steps between re-estimations of that distribution
 * @param minSpread the usual spread of averaged surprises is taken as at least this
 * @param rangeTolerance a value beyond the range seen so far by this fraction of it is novel
 * @param report a score at or above this is reported as an anomaly
 * @param rest steps after a report during which the series reports nothing more
 * @param startQuantile the novel range starts from this quantile of the learning steps to 1 minus
 *     it (a series' start-up outliers do not hide a later drop)
 */
public record SurpriseSettings(
    List<Integer> contexts,
    int bins,
    int order,
    int learning,
    int averaging,
    int history,
    int reestimate,
    double minSpread,
    double rangeTolerance,
    double report,
    int rest,
    double startQuantile) {

  public static final SurpriseSettings DEFAULT =
      new SurpriseSettings(List.of(100), 6, 2, 40, 10, 8640, 100, 0.03, 0.02, 0.4, 100, 0.05);

  public SurpriseSettings {
    contexts = List.copyOf(contexts);
    if (contexts.isEmpty() || contexts.stream().anyMatch(c -> c < 10)) {
      throw new IllegalArgumentException("contexts must be one or more windows of at least 10 steps: " + contexts);
    }
    if (bins < 2 || order < 1) {
      throw new IllegalArgumentException("bins must be at least 2 and order at least 1: " + bins + ", " + order);
    }
    if (learning < 1 || averaging < 1 || history < averaging || reestimate < 1 || rest < 0) {
      throw new IllegalArgumentException("learning/averaging/history/reestimate/rest out of range");
    }
    if (!(startQuantile >= 0 && startQuantile < 0.5)) {
      throw new IllegalArgumentException("startQuantile " + startQuantile + " is not in [0, 0.5)");
    }
    if (!(minSpread > 0) || !(rangeTolerance >= 0) || !(report > 0 && report <= 1)) {
      throw new IllegalArgumentException("minSpread, rangeTolerance or report out of range");
    }
  }
}
