package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.Calibration;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.Provenance;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.baseline.DecayingHistogram;
import dev.umbra.shadow.forecast.baseline.ExponentialBuckets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Function;

/**
 * Wraps any online forecaster and recalibrates its peak quantiles for one series, online.
 *
 * <p>At every step it asks the wrapped model for a forecast (an internal origin) and keeps its
 * peak quantiles q̂ⱼ. Once that horizon has passed (a sample at or after origin + horizon has
 * been observed), the realised peak y is known and, per level τⱼ, the score 1 + (y − q̂ⱼ) / dⱼ
 * goes into a decaying histogram (weighted split-conformal on the model's own past errors of the
 * peak), with dⱼ = max(q̂ⱼ, floor): the ratio y / q̂ⱼ, because usage scales, except near zero,
 * where it is an error in units of the series' floor ({@link SeriesProfile#floor()}), so that
 * idle series neither give unbounded ratios nor get raised to the floor. A forecast is
 * q̂ⱼ + (sⱼ − 1)·dⱼ, sⱼ being the score histogram's quantile at 1 − αⱼ, where αⱼ starts at
 * 1 − τⱼ and follows adaptive conformal inference (Gibbs and Candès
 * 2021): αⱼ += (γ / steps)((1 − τⱼ) − missⱼ) after each resolved origin, missⱼ being whether y
 * exceeded the corrected quantile issued for it. Origins come every step and their horizons
 * overlap, so one miss repeats over a horizon's worth of origins: γ is per horizon, so that its
 * meaning does not change with the number of steps (60 × 1 s live, 13 × 5 min in the backtest). The corrected row is sorted (monotone rearrangement), so
 * quantiles never cross. Step quantiles pass through unchanged: only the peak is calibrated.
 *
 * <p>The forecast keeps the wrapped model's name (the model that made it, as consumers expect)
 * and adds {@value #VERSION} to its version. Only resolved horizons teach it: a forecast at t depends on samples up to t alone. A gap
 * longer than {@code maxGap} drops the pending horizons that straddle it. Not thread-safe.
 */
public final class CalibratedForecaster implements OnlineForecaster {
  static final String VERSION = "calibrated-1.0";
  /** Scores (≥ 0, 1 when the forecast was exact) from 0.001 to 10^4, 2 % wide buckets. */
  static final ExponentialBuckets SCORE_BUCKETS = new ExponentialBuckets(1e4, 1e-3, 1.02, 1e-9);

  private final OnlineForecaster inner;
  private final String series;
  private final QuantileLevels levels;
  private final Calibration calibration;
  private final double floor;
  private final long horizonMillis;
  private final long originEveryMillis;
  private final long maxGapMillis;
  private final long expectedSamples;
  private final long needed;
  private final double stepPerOrigin;
  private final DecayingHistogram[] scores;
  private final double[] alpha;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private long resolved;
  /** The wrapped model's forecast at the newest origin, until the next sample: asked for once. */
  private QuantileForecast lastIssued;
  private long lastMillis = Long.MIN_VALUE;
  private long nextOriginMillis = Long.MIN_VALUE;

  private static final class Pending {
    final long origin;
    final double[] raw;
    final double[] issued; // null when it was issued uncorrected (warming up)
    double max = Double.NEGATIVE_INFINITY;
    int count;

    Pending(long origin, double[] raw, double[] issued) {
      this.origin = origin;
      this.raw = raw;
      this.issued = issued;
    }
  }

  /**
   * @param inner the model to calibrate, created for the same series, horizon and levels
   * @param maxGap the longest spacing between samples that is not a hole in the data
   */
  public CalibratedForecaster(OnlineForecaster inner, String series, SeriesProfile profile, Horizon horizon,
      QuantileLevels levels, Calibration calibration, Duration maxGap) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.series = Objects.requireNonNull(series, "series");
    this.levels = Objects.requireNonNull(levels, "levels");
    this.calibration = Objects.requireNonNull(calibration, "calibration");
    this.floor = profile.floor();
    this.horizonMillis = horizon.duration().toMillis();
    this.originEveryMillis = horizon.step().toMillis();
    this.maxGapMillis = maxGap.toMillis();
    this.expectedSamples = horizon.steps();
    this.needed = (long) calibration.minHorizons() * horizon.steps();
    // one origin per step: a horizon's worth of overlapping origins makes one step of γ
    this.stepPerOrigin = calibration.aciStep() / horizon.steps();
    this.scores = new DecayingHistogram[levels.size()];
    this.alpha = new double[levels.size()];
    for (int j = 0; j < scores.length; j++) {
      scores[j] = new DecayingHistogram(SCORE_BUCKETS, calibration.scoreHalfLife());
      alpha[j] = 1 - levels.get(j);
    }
  }

  /** Wraps every forecaster {@code inner} makes; named "calibrated-" + its name. */
  public static OnlineForecaster.Factory factory(OnlineForecaster.Factory inner,
      Function<String, SeriesProfile> profiles, Calibration calibration, Duration maxGap) {
    Objects.requireNonNull(inner, "inner");
    Objects.requireNonNull(calibration, "calibration");
    return OnlineForecaster.Factory.of("calibrated-" + inner.name(), (series, horizon, levels) ->
        new CalibratedForecaster(inner.create(series, horizon, levels), series, profiles.apply(series),
            horizon, levels, calibration, maxGap));
  }

  @Override
  public String name() {
    return "calibrated-" + inner.name();
  }

  @Override
  public void observe(Instant at, double value) {
    inner.observe(at, value); // validates value and time
    lastIssued = null;
    long t = at.toEpochMilli();
    if (lastMillis != Long.MIN_VALUE && t - lastMillis > maxGapMillis) {
      pending.clear(); // their horizons straddle a hole
    }
    lastMillis = t;
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      long end = p.origin + horizonMillis;
      if (t <= end) {
        p.max = Math.max(p.max, value);
        p.count++;
      }
      if (t >= end) {
        if (p.count * 2 >= expectedSamples) {
          learn(p, at);
        }
        it.remove();
      }
    }
    if (t >= nextOriginMillis) {
      issue(at);
      nextOriginMillis = t + originEveryMillis;
    }
  }

  private void issue(Instant at) {
    try {
      lastIssued = inner.forecast(at);
      double[] raw = lastIssued.peakQuantiles();
      pending.add(new Pending(at.toEpochMilli(), raw, calibrating() ? corrected(raw) : null));
    } catch (InsufficientHistoryException e) {
      // nothing to learn from until the wrapped model can forecast
    }
  }

  private void learn(Pending p, Instant at) {
    for (int j = 0; j < scores.length; j++) {
      scores[j].addSample(1 + (p.max - p.raw[j]) / Math.max(p.raw[j], floor), 1.0, at);
      if (p.issued != null) {
        double miss = p.max > p.issued[j] ? 1 : 0;
        alpha[j] += stepPerOrigin * ((1 - levels.get(j)) - miss);
      }
    }
    resolved++;
  }

  private boolean calibrating() {
    return resolved >= needed;
  }

  private double[] corrected(double[] raw) {
    double[] out = new double[raw.length];
    for (int j = 0; j < raw.length; j++) {
      // α ≤ 0 asks for more than every score seen: the largest one (ACI's infinite interval, capped)
      double level = Math.max(0, Math.min(1, 1 - alpha[j]));
      out[j] = Math.max(0, raw[j] + (scores[j].interpolatedPercentile(level) - 1) * Math.max(raw[j], floor));
    }
    return QuantileForecast.rearranged(out);
  }

  /** The level of the score distribution each quantile uses now: 1 − αⱼ (for tests and reports). */
  double[] effectiveLevels() {
    double[] out = new double[alpha.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = 1 - alpha[j];
    }
    return out;
  }

  /** Horizons whose outcome it has learnt from. */
  long resolved() {
    return resolved;
  }

  @Override
  public QuantileForecast forecast(Instant origin) throws InsufficientHistoryException {
    QuantileForecast f =
        lastIssued != null && lastIssued.origin().equals(origin) ? lastIssued : inner.forecast(origin);
    boolean on = calibrating();
    double[] peak = on ? corrected(f.peakQuantiles()) : f.peakQuantiles();
    String version = f.modelVersion() + "+" + VERSION
        + (on ? "" : " (warming up: " + resolved + " of " + needed + " horizons)");
    double[][] steps = new double[f.horizon().steps()][];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = f.stepQuantiles(i);
    }
    QuantileForecast out = QuantileForecast.of(
        new Provenance(series, f.model(), version), origin, f.horizon(), levels, steps, peak);
    if (f.fallbackReason().isPresent()) {
      out = out.asFallback(f.fallbackReason().get());
    }
    return f.selection().isPresent() ? out.withSelection(f.selection().get()) : out;
  }
}
