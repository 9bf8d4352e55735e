package dev.umbra.shadow.forecast.baseline;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.Provenance;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Function;

/**
 * A point level ({@link PeakLevel}: EWMA, seasonal-naive or recent peak) times an empirical
 * distribution of how far the series has run above or below that level. At every step it
 * records the level; once the horizon has passed it adds the ratio (realised peak over the
 * horizon) / level to a decaying histogram (half-life 7 days), and each realised value / level
 * to another. A forecast is level × the histograms' interpolated quantiles: calibrated by
 * construction when the series is stationary in ratio, adaptive through the decay. Levels
 * below {@link SeriesProfile#floor()} are raised to it so that idle series do not produce huge
 * ratios. A gap longer than {@code maxGap} between samples drops the pending horizons that
 * straddle it. Not thread-safe.
 */
public final class EmpiricalPeakForecaster implements OnlineForecaster {
  static final String VERSION = "empirical-peak-1.0";
  static final Duration RATIO_HALF_LIFE = Duration.ofDays(7);
  static final Duration SEASON = Duration.ofDays(1);
  /** Ratios from ~0.001 to 10^4, 2 % wide buckets. */
  static final ExponentialBuckets RATIO_BUCKETS = new ExponentialBuckets(1e4, 1e-3, 1.02, 1e-9);
  /**
   * Origins are taken every step; it forecasts once 24 horizons' worth have resolved (a day for
   * an hourly horizon, 24 min for 60 × 1 s).
   */
  static final int MIN_HORIZONS = 24;

  private final String series;
  private final PeakLevel level;
  private final QuantileLevels levels;
  private final Horizon horizon;
  private final double floor;
  private final long horizonMillis;
  private final long originEveryMillis;
  private final long maxGapMillis;
  private final SampleRing ring;
  private final DecayingHistogram peakRatios = new DecayingHistogram(RATIO_BUCKETS, RATIO_HALF_LIFE);
  private final DecayingHistogram stepRatios = new DecayingHistogram(RATIO_BUCKETS, RATIO_HALF_LIFE);
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private long resolved;
  private double ewma = Double.NaN;
  private long lastMillis = Long.MIN_VALUE;
  private long nextOriginMillis = Long.MIN_VALUE;

  private static final class Pending {
    final long origin;
    final double level;
    double max = Double.NEGATIVE_INFINITY;
    int count;

    Pending(long origin, double level) {
      this.origin = origin;
      this.level = level;
    }
  }

  /**
   * @param maxGap the longest spacing between samples that is not a hole in the data
   */
  public EmpiricalPeakForecaster(
      String series, SeriesProfile profile, PeakLevel level, Horizon horizon, QuantileLevels levels, Duration maxGap) {
    this.series = Objects.requireNonNull(series, "series");
    this.level = Objects.requireNonNull(level, "level");
    this.horizon = Objects.requireNonNull(horizon, "horizon");
    this.levels = Objects.requireNonNull(levels, "levels");
    this.floor = profile.floor();
    this.horizonMillis = horizon.duration().toMillis();
    this.originEveryMillis = horizon.step().toMillis();
    this.maxGapMillis = maxGap.toMillis();
    // Only the seasonal level looks a day back; the others need two horizons (a day of 1 s
    // samples is 1.4 MB per series, which the live shadow keeps for every primary).
    this.ring = new SampleRing((level == PeakLevel.SEASONAL_NAIVE ? SEASON.toMillis() : 0) + 2 * horizonMillis);
  }

  public static OnlineForecaster.Factory factory(
      PeakLevel level, Function<String, SeriesProfile> profiles, Duration maxGap) {
    return OnlineForecaster.Factory.of(level.modelName(), (series, horizon, levels) ->
        new EmpiricalPeakForecaster(series, profiles.apply(series), level, horizon, levels, maxGap));
  }

  @Override
  public String name() {
    return level.modelName();
  }

  @Override
  public void observe(Instant at, double value) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(series + " at " + at + ": value is " + value);
    }
    long t = at.toEpochMilli();
    if (t < lastMillis) {
      throw new IllegalArgumentException(series + ": sample at " + at + " goes back in time");
    }
    if (lastMillis != Long.MIN_VALUE && t - lastMillis > maxGapMillis) {
      pending.clear(); // their horizons straddle a hole
      ewma = Double.NaN;
    }
    updateEwma(t, value);
    lastMillis = t;
    ring.add(t, value);
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      long end = p.origin + horizonMillis;
      if (t <= end) {
        p.max = Math.max(p.max, value);
        p.count++;
        stepRatios.addSample(value / p.level, 1.0, at);
      }
      if (t >= end) {
        long expected = Math.max(1, horizonMillis / Math.max(1, originEveryMillis));
        if (p.count * 2 >= expected) {
          peakRatios.addSample(p.max / p.level, 1.0, at);
          resolved++;
        }
        it.remove();
      }
    }
    if (t >= nextOriginMillis) {
      pending.add(new Pending(t, currentLevel(t)));
      nextOriginMillis = t + originEveryMillis;
    }
  }

  private void updateEwma(long t, double value) {
    if (Double.isNaN(ewma)) {
      ewma = value;
      return;
    }
    double alpha = 1 - Math.pow(2, -(double) (t - lastMillis) / horizonMillis);
    ewma += alpha * (value - ewma);
  }

  private double currentLevel(long t) {
    double raw =
        switch (level) {
          case EWMA -> ewma;
          case RECENT_PEAK -> ring.max(t - horizonMillis, t);
          case SEASONAL_NAIVE -> {
            long from = t - SEASON.toMillis();
            double seasonal = ring.max(from, from + horizonMillis);
            yield Double.isNaN(seasonal) ? ring.max(t - horizonMillis, t) : seasonal;
          }
        };
    return Double.isNaN(raw) ? floor : Math.max(raw, floor);
  }

  @Override
  public QuantileForecast forecast(Instant origin) throws InsufficientHistoryException {
    long needed = (long) MIN_HORIZONS * horizon.steps();
    if (resolved < needed || ring.size() == 0) {
      throw new InsufficientHistoryException(
          level.modelName() + " has seen " + resolved + " complete horizons of " + series
              + ", needs " + needed + " (" + MIN_HORIZONS + " horizons of origins every step)");
    }
    double base = currentLevel(lastMillis);
    double[] peak = new double[levels.size()];
    double[] step = new double[levels.size()];
    for (int j = 0; j < peak.length; j++) {
      peak[j] = base * peakRatios.interpolatedPercentile(levels.get(j));
      step[j] = base * stepRatios.interpolatedPercentile(levels.get(j));
    }
    peak = QuantileForecast.rearranged(peak);
    step = QuantileForecast.rearranged(step);
    double[][] steps = new double[horizon.steps()][];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = step;
    }
    return QuantileForecast.of(
        new Provenance(series, level.modelName(), VERSION), origin, horizon, levels, steps, peak);
  }
}
