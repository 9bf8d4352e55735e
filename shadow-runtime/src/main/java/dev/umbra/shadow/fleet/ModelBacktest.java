package dev.umbra.shadow.fleet;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.PinballLoss;
import dev.umbra.shadow.forecast.QuantileLevels;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Compares two forecasters on a shadow's own recent data, without look-ahead: each is fed the
 * 1 s series second by second and, every horizon (after one horizon of warm-up), asked for the
 * peak over the next horizon; once that horizon has passed, each forecast's peak quantiles are
 * scored against the realised peak with the pinball loss, divided by the peak (at least
 * {@code floor}). Only origins where both could forecast count. Not thread-safe.
 */
final class ModelBacktest {
  /** Fewer scored forecasts than this decide nothing. */
  static final int MIN_SCORED = 3;

  private final Horizon horizon;
  private final QuantileLevels levels;
  private double candidateLoss;
  private double incumbentLoss;
  private int scored;

  ModelBacktest(Horizon horizon, QuantileLevels levels) {
    this.horizon = horizon;
    this.levels = levels;
  }

  /**
   * Adds one window of one primary's series.
   *
   * @param firstSecond Unix second of {@code values[0]}
   * @param values 1 s grid, NaN where missing
   */
  void add(long firstSecond, double[] values, double floor, Supplier<OnlineForecaster> candidate,
      Supplier<OnlineForecaster> incumbent) {
    OnlineForecaster c = candidate.get();
    OnlineForecaster inc = incumbent.get();
    int h = (int) horizon.duration().toSeconds();
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        continue;
      }
      Instant at = Instant.ofEpochSecond(firstSecond + i);
      double v = Math.max(0, values[i]);
      c.observe(at, v);
      inc.observe(at, v);
      if (i >= h && i % h == 0 && i + h < values.length) {
        double actual = peak(values, i + 1, i + h + 1);
        if (Double.isNaN(actual)) {
          continue;
        }
        try {
          double[] cp = c.forecast(at).peakQuantiles();
          double[] ip = inc.forecast(at).peakQuantiles();
          double scale = Math.max(actual, floor);
          candidateLoss += PinballLoss.mean(actual, cp, levels) / scale;
          incumbentLoss += PinballLoss.mean(actual, ip, levels) / scale;
          scored++;
        } catch (InsufficientHistoryException e) {
          // one of them cannot forecast yet: not comparable here
        }
      }
    }
  }

  /** The peak of the present values in [from, to), NaN when fewer than half are present. */
  private static double peak(double[] values, int from, int to) {
    double max = Double.NaN;
    int present = 0;
    for (int i = from; i < to; i++) {
      if (!Double.isNaN(values[i])) {
        max = Double.isNaN(max) ? values[i] : Math.max(max, values[i]);
        present++;
      }
    }
    return present * 2 >= to - from ? Math.max(0, max) : Double.NaN;
  }

  int scored() {
    return scored;
  }

  boolean decides() {
    return scored >= MIN_SCORED;
  }

  /** Mean scaled loss of the candidate; NaN before any scored forecast. */
  double candidateLoss() {
    return scored == 0 ? Double.NaN : candidateLoss / scored;
  }

  double incumbentLoss() {
    return scored == 0 ? Double.NaN : incumbentLoss / scored;
  }

  /** True when the candidate's mean loss is at most the incumbent's. */
  boolean candidateNotWorse() {
    return decides() && candidateLoss <= incumbentLoss;
  }
}
