package dev.umbra.shadow.anomaly;

import dev.umbra.shadow.forecast.Quantiles;
import java.util.Arrays;
import java.util.List;

/**
 * Scores one series, value by value, by how surprising each value is under the forecast
 * distribution of its recent past, turned into a probability by an {@link AnomalyLikelihood}
 * layer. No look-ahead and no knowledge of the series' range, length or cadence: a step is a row
 * (the hour of the day, where known, is the one calendar feature).
 *
 * <p>Per step:
 *
 * <ol>
 *   <li><b>Surprise under the forecast.</b> Three forecasts of the next value are made before it
 *       arrives. For each context window (by default the last 100 values), the empirical
 *       distribution of the window; the surprise is one minus the value's two-sided tail
 *       probability under it (with add-one smoothing, so a value beyond everything in the window
 *       has surprise 1 − 2/(n+2)). A forecast with sequence context ({@link BinTransitions}): the next value's bin of the range
 *       seen so far, given the bins of the last two values. One that knows the calendar: the
 *       empirical distribution of the last 200 values seen at the same hour of the day, where the
 *       time of day is known. Those two measure surprise as surprisal (−ln p, scaled to [0, 1]);
 *       the recent window as 1 − p, which measured better there (NAB low-FP 70.0 against 68.4). Each has its own likelihood layer and the largest wins.
 *   <li><b>Likelihood.</b> The recent average surprise is judged against its own long-run
 *       distribution (see {@link AnomalyLikelihood}): a noisy series is not flagged for being
 *       noisy, a calm one is flagged when it stops being calm.
 *   <li><b>Novel range.</b> A value beyond the range seen so far by more than {@code
 *       rangeTolerance} of it scores 1. The range starts from the {@code startQuantile} and 1 −
 *       {@code startQuantile} quantiles of the learning steps (a JVM's start-up extremes would
 *       hide a later drop).
 *   <li><b>Rest.</b> After a score at or above {@code report}, the series scores 0 for {@code
 *       rest} steps: one anomaly is reported once, not at every step it lasts. The score as if it
 *       were not resting ({@link #unrestedScore()}) says whether a value is surprising now.
 * </ol>
 *
 * <p>Missing values ({@code NaN}) score 0 and are not learnt. Not thread-safe.
 */
public final class SurpriseDetector {
  /** Times a sequence context must have been seen before its forecast is trusted. */
  private static final int SEQUENCE_SUPPORT = 5;
  /** Values kept per hour of the day: 16 days' worth at a 5-minute cadence (12 an hour). */
  private static final int HOUR_VALUES = 200;

  private final SurpriseSettings settings;
  private final List<Ring> contexts;
  private final List<AnomalyLikelihood> likelihoods;
  private final BinTransitions sequence;
  private final AnomalyLikelihood sequenceLikelihood;
  /** The recent values of each hour of the day (UTC), for a forecast that knows the daily rhythm. */
  private final Ring[] hours = new Ring[24];
  private final AnomalyLikelihood hourLikelihood;
  /** The learning steps' values, for the novel range's start; null once learnt. */
  private double[] learning;
  private long seen;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  /** The newest value's score as if the series were not resting. */
  private double unrested;
  /** Steps of the rest still to go. */
  private int resting;

  public SurpriseDetector(SurpriseSettings settings) {
    this.settings = settings;
    this.contexts = settings.contexts().stream().map(Ring::new).toList();
    this.likelihoods = settings.contexts().stream()
        .map(c -> likelihood(settings))
        .toList();
    this.sequence = new BinTransitions(settings.bins(), settings.order(), SEQUENCE_SUPPORT);
    this.sequenceLikelihood = likelihood(settings);
    this.hourLikelihood = likelihood(settings);
    this.learning = new double[settings.learning()];
  }

  private static AnomalyLikelihood likelihood(SurpriseSettings settings) {
    return new AnomalyLikelihood(settings.averaging(), settings.history(), settings.reestimate(), settings.minSpread());
  }

  /** {@link #observe(double, int)} with no time of day known: the hour-of-day forecast is skipped. */
  public double observe(double value) {
    return observe(value, -1);
  }

  /**
   * Learns one value and returns its anomaly score in [0, 1]; 0 while learning or resting.
   *
   * @param hourOfDay the value's hour of the day (0–23, UTC in the shadow, as written in a NAB
   *     file), or -1 when it is not known
   */
  public double observe(double value, int hourOfDay) {
    unrested = 0;
    if (Double.isNaN(value)) {
      return 0;
    }
    if (hourOfDay < -1 || hourOfDay > 23) {
      throw new IllegalArgumentException("hourOfDay " + hourOfDay + " is not -1 or 0..23");
    }
    double score = forecastScore(value, hourOfDay);
    if (learning != null) {
      learn(value);
      return 0;
    }
    unrested = novel(value) ? 1 : score;
    min = Math.min(min, value);
    max = Math.max(max, value);
    if (resting > 0) {
      resting--;
      return 0;
    }
    if (unrested >= settings.report()) {
      resting = settings.rest();
    }
    return unrested;
  }

  /**
   * The newest value's score as if the series were not resting: whether it is surprising now. A
   * report is followed by a rest of {@code rest} steps, so a report-based question ("did the
   * series report near this step?") is blind for that long after any one-step blip; this one is
   * not. 0 while learning and for a missing value.
   */
  public double unrestedScore() {
    return unrested;
  }

  /** The largest likelihood score of the value under the three forecasts, each of which then learns it. */
  private double forecastScore(double value, int hourOfDay) {
    double score = 0;
    for (int c = 0; c < contexts.size(); c++) {
      Ring context = contexts.get(c);
      double surprise = context.size() < 10 ? 0 : 1 - twoSidedTail(context, value);
      score = Math.max(score, likelihoods.get(c).observe(surprise));
      context.add(value);
    }
    score = Math.max(score, sequenceLikelihood.observe(sequence.observe(value)));
    if (hourOfDay >= 0) {
      Ring hour = hours[hourOfDay] == null ? hours[hourOfDay] = new Ring(HOUR_VALUES) : hours[hourOfDay];
      double surprise = hour.size() < 10 ? 0 : surprisal(twoSidedTail(hour, value), hour.size());
      score = Math.max(score, hourLikelihood.observe(surprise));
      hour.add(value);
    }
    return score;
  }

  /** A learning step: once the last is in, the novel range starts from their quantiles. */
  private void learn(double value) {
    learning[(int) seen++] = value;
    if (seen == learning.length) {
      double[] sorted = learning.clone();
      Arrays.sort(sorted);
      min = Quantiles.ofSorted(sorted, settings.startQuantile());
      max = Quantiles.ofSorted(sorted, 1 - settings.startQuantile());
      learning = null;
    }
  }

  private boolean novel(double value) {
    double margin = settings.rangeTolerance() * (max - min);
    return value > max + margin || value < min - margin;
  }

  /**
   * −ln p scaled to [0, 1] by the smallest p a window of {@code n} can give (2/(n+2)): surprisal
   * separates the rare from the merely unusual better than 1 − p, which crowds every value
   * beyond the window's middle near 1 (NAB, hour-of-day forecast: 70.3 standard against 68.7).
   */
  static double surprisal(double p, int n) {
    return Math.min(1, -Math.log(p) / Math.log((n + 2) / 2.0));
  }

  /** P(at least as far out on the value's side), twice, under the window's empirical distribution. */
  static double twoSidedTail(Ring window, double value) {
    int below = 0;
    int above = 0;
    int n = window.size();
    for (int i = 0; i < n; i++) {
      double v = window.get(i);
      if (v < value) {
        below++;
      } else if (v > value) {
        above++;
      }
    }
    double equal = n - below - above;
    double lower = (below + 0.5 * equal + 1) / (n + 2.0);
    double upper = (above + 0.5 * equal + 1) / (n + 2.0);
    return Math.min(1, 2 * Math.min(lower, upper));
  }
}
