package dev.umbra.shadow.manager;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.Provenance;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.Quantiles;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Demand that repeats with a period of seconds to minutes (a batch cycle, a load generator, a
 * polling loop), which the forecast models cannot see: their seasonality is a day, and the LSTM
 * needs half an hour of a workload before it serves. Pure and deterministic.
 *
 * <p>The period is the lag, between {@link #MIN_PERIOD} and a third of the window, of the
 * highest autocorrelation of the recent usage, taking the shortest lag within 10 % of the best
 * (a multiple of the period correlates as well); it counts only at {@link #MIN_CORRELATION} or
 * more, with at least {@link #PERIODS_SEEN} periods in the window. The forecast of the peak over
 * the next {@code horizon} is then the peak of the same stretch of time in each of the last
 * {@link #PERIODS_SEEN} periods: its quantiles are those of these peaks, so p95 is about the
 * highest of them. Nothing here knows the workload's phases: it finds whatever period the data
 * has, and says nothing when there is none.
 */
final class Periodicity {
  /** Shortest period considered, seconds: shorter ones are noise to a 2 s decision loop. */
  static final int MIN_PERIOD = 10;
  /** Seconds of history before any period is looked for: fewer pairs let noise correlate by chance. */
  static final int MIN_HISTORY = 120;
  /** Least autocorrelation at the period. */
  static final double MIN_CORRELATION = 0.6;
  /** Periods the window must hold, and the ones the forecast looks back at. */
  static final int PERIODS_SEEN = 3;
  static final String MODEL = "periodic";

  /** A period found in the data. */
  record Found(int periodSeconds, double correlation) {}

  private Periodicity() {}

  /**
   * The dominant period of {@code window} (1 s apart, NaN where missing; leading NaNs, from
   * before the series began, are left out).
   *
   * @return empty when no lag correlates well enough, or the series is flat
   */
  static Optional<Found> detect(double[] window) {
    int from = 0;
    while (from < window.length && Double.isNaN(window[from])) {
      from++; // before the primary's first second
    }
    double[] values = Arrays.copyOfRange(window, from, window.length);
    int n = values.length;
    int maxLag = n / PERIODS_SEEN;
    if (n < MIN_HISTORY || maxLag < MIN_PERIOD) {
      return Optional.empty();
    }
    double sum = 0;
    int count = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    if (count < n * 0.9) {
      return Optional.empty(); // too many holes to trust a correlation
    }
    double mean = sum / count;
    double var = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        var += (v - mean) * (v - mean);
      }
    }
    var /= count;
    if (var <= 1e-12 * Math.max(1, mean * mean)) {
      return Optional.empty();
    }
    double[] acf = new double[maxLag + 1];
    double best = Double.NEGATIVE_INFINITY;
    for (int lag = MIN_PERIOD; lag <= maxLag; lag++) {
      double s = 0;
      int pairs = 0;
      for (int i = 0; i + lag < n; i++) {
        double a = values[i];
        double b = values[i + lag];
        if (!Double.isNaN(a) && !Double.isNaN(b)) {
          s += (a - mean) * (b - mean);
          pairs++;
        }
      }
      acf[lag] = pairs == 0 ? 0 : s / pairs / var;
      best = Math.max(best, acf[lag]);
    }
    if (best < MIN_CORRELATION) {
      return Optional.empty();
    }
    for (int lag = MIN_PERIOD; lag <= maxLag; lag++) {
      // the shortest lag near the best, at a local maximum (not on the shoulder of one)
      boolean peak = (lag == MIN_PERIOD || acf[lag] >= acf[lag - 1]) && (lag == maxLag || acf[lag] >= acf[lag + 1]);
      if (acf[lag] >= 0.9 * best && acf[lag] >= MIN_CORRELATION && peak) {
        return Optional.of(new Found(lag, acf[lag]));
      }
    }
    return Optional.empty();
  }

  /**
   * The forecast of the peak over the {@code horizon} after the newest value of {@code values},
   * from the same stretch of the last periods.
   *
   * @return empty when there is no period (see {@link #detect}) or it is not longer than the horizon
   */
  static Optional<QuantileForecast> forecast(String series, double[] values, Instant origin, Horizon horizon,
      QuantileLevels levels) {
    Optional<Found> found = detect(values);
    int steps = (int) horizon.duration().toSeconds();
    if (found.isEmpty() || found.get().periodSeconds() <= steps) {
      return Optional.empty();
    }
    int period = found.get().periodSeconds();
    int newest = values.length - 1;
    double[] peaks = new double[PERIODS_SEEN];
    for (int k = 1; k <= PERIODS_SEEN; k++) {
      double max = Double.NaN;
      for (int i = newest + 1 - k * period; i <= newest + steps - k * period; i++) {
        if (i >= 0 && !Double.isNaN(values[i])) {
          max = Double.isNaN(max) ? values[i] : Math.max(max, values[i]);
        }
      }
      if (Double.isNaN(max)) {
        return Optional.empty();
      }
      peaks[k - 1] = max;
    }
    Arrays.sort(peaks);
    double[] row = new double[levels.size()];
    for (int j = 0; j < row.length; j++) {
      row[j] = Quantiles.ofSorted(peaks, levels.get(j));
    }
    double[][] perStep = new double[horizon.steps()][];
    Arrays.fill(perStep, row);
    return Optional.of(QuantileForecast.of(new Provenance(series, MODEL, "1"), origin, horizon, levels, perStep, row)
        .withSelection(String.format(Locale.ROOT, "period %d s (autocorrelation %.2f): the peak of the next %d s in "
            + "each of the last %d periods", period, found.get().correlation(), steps, PERIODS_SEEN)));
  }
}
