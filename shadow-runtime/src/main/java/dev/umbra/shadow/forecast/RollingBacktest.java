package dev.umbra.shadow.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;

/**
 * A rolling backtest of candidate forecasters on one series, run as its values arrive: the
 * owner issues each candidate's forecast of the peak at an origin (one origin per horizon), and
 * once the horizon has passed each is scored against the realised peak with the mean pinball loss
 * over the levels, divided by that peak so that busy and quiet stretches weigh alike, and decayed
 * with a half-life. {@link SelectingForecaster} and {@link ChallengerForecaster} both choose by it.
 *
 * <p><b>The realised peak</b> of an origin is the largest value observed at a time in {@code
 * (origin, origin + horizon]}: the values the forecast was about. The origin's own sample is not
 * part of it, nor is any sample stamped at or before the origin (a repeated or late timestamp):
 * the forecast was made after seeing them, and counting them would credit a model for a value it
 * already knew (on a falling series the "peak" would be the origin's value). An origin is scored
 * at the first sample at or after its end; one without a sample inside its horizon is dropped
 * unscored, as are all pending origins after a gap longer than {@code maxGap}.
 *
 * <p>An origin where any candidate could not forecast is not scored, so every candidate's mean
 * covers the same horizons. Not thread-safe: one owner calls it in timestamp order.
 */
final class RollingBacktest {
  private final int candidates;
  private final QuantileLevels levels;
  private final long horizonMillis;
  private final long maxGapMillis;
  private final double halfLifeMillis;
  private final ArrayDeque<Origin> pending = new ArrayDeque<>();
  private final double[] lossSum;
  private double weight;
  private int scored;
  private long lastMillis = Long.MIN_VALUE;
  private long nextIssueMillis = Long.MIN_VALUE;
  private long lastDecayMillis = Long.MIN_VALUE;

  /** The peak forecasts issued at one origin and the largest value seen after it so far. */
  private static final class Origin {
    final long millis;
    final double[][] peaks; // per candidate, null when it could not forecast
    double realisedPeak = Double.NEGATIVE_INFINITY;

    Origin(long millis, double[][] peaks) {
      this.millis = millis;
      this.peaks = peaks;
    }

    boolean complete() {
      for (double[] p : peaks) {
        if (p == null) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * @param candidates how many forecasters are compared, at least 1
   * @param horizon the forecasts' horizon: one origin per horizon, scored at its end
   * @param levels the quantile levels of the issued peak forecasts
   * @param maxGap a pause in the series longer than this drops the pending origins
   * @param halfLife the age at which a score weighs half
   */
  RollingBacktest(int candidates, Horizon horizon, QuantileLevels levels, Duration maxGap, Duration halfLife) {
    if (candidates < 1) {
      throw new IllegalArgumentException("a backtest needs at least one candidate, got " + candidates);
    }
    if (halfLife.isNegative() || halfLife.isZero()) {
      throw new IllegalArgumentException("halfLife must be positive, was " + halfLife);
    }
    this.candidates = candidates;
    this.levels = Objects.requireNonNull(levels, "levels");
    this.horizonMillis = horizon.duration().toMillis();
    this.maxGapMillis = maxGap.toMillis();
    this.halfLifeMillis = halfLife.toMillis();
    this.lossSum = new double[candidates];
  }

  /**
   * Takes a value of the series: adds it to the realised peak of every pending origin whose
   * horizon it falls in, and scores those whose horizon it ends. Call before {@link #issue} at
   * the same time.
   */
  void observe(Instant at, double value) {
    long t = at.toEpochMilli();
    if (lastMillis != Long.MIN_VALUE && t - lastMillis > maxGapMillis) {
      pending.clear();
    }
    lastMillis = t;
    for (Iterator<Origin> it = pending.iterator(); it.hasNext(); ) {
      Origin o = it.next();
      long end = o.millis + horizonMillis;
      if (t > o.millis && t <= end) {
        o.realisedPeak = Math.max(o.realisedPeak, value);
      }
      if (t >= end) {
        score(o, t);
        it.remove();
      }
    }
  }

  /** Whether a horizon has passed since the last origin, so {@link #issue} is due at {@code at}. */
  boolean issueDue(Instant at) {
    return at.toEpochMilli() >= nextIssueMillis;
  }

  /**
   * Starts an origin at {@code at} with each candidate's peak quantiles (aligned with the levels),
   * null for a candidate that could not forecast; the next is due a horizon later.
   */
  void issue(Instant at, double[][] peaks) {
    if (peaks.length != candidates) {
      throw new IllegalArgumentException("expected peaks of " + candidates + " candidates, got " + peaks.length);
    }
    long t = at.toEpochMilli();
    pending.add(new Origin(t, peaks.clone()));
    nextIssueMillis = t + horizonMillis;
  }

  private void score(Origin o, long now) {
    if (o.realisedPeak == Double.NEGATIVE_INFINITY) {
      return;
    }
    if (lastDecayMillis != Long.MIN_VALUE) {
      double decay = Math.pow(2, -(now - lastDecayMillis) / halfLifeMillis);
      for (int i = 0; i < candidates; i++) {
        lossSum[i] *= decay;
      }
      weight *= decay;
    }
    lastDecayMillis = now;
    if (!o.complete()) {
      return;
    }
    double scale = Math.max(o.realisedPeak, 1e-12);
    for (int i = 0; i < candidates; i++) {
      lossSum[i] += PinballLoss.mean(o.realisedPeak, o.peaks[i], levels) / scale;
    }
    weight += 1;
    scored++;
  }

  /** Origins scored so far (for every candidate). */
  int scored() {
    return scored;
  }

  /** The decayed mean relative pinball loss of a candidate, NaN before any origin was scored. */
  double meanLoss(int candidate) {
    return weight > 0 ? lossSum[candidate] / weight : Double.NaN;
  }

  /**
   * The candidate with the lowest mean loss (the first of equals) once at least {@code minScored}
   * origins were scored, else -1.
   */
  int best(int minScored) {
    if (scored < minScored || !(weight > 0)) {
      return -1;
    }
    int best = 0;
    for (int i = 1; i < candidates; i++) {
      if (lossSum[i] < lossSum[best]) {
        best = i;
      }
    }
    return best;
  }
}
