package dev.umbra.shadow.forecast.backtest;

import dev.umbra.shadow.forecast.QuantileLevels;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The provisioning protocol and what to score.
 *
 * @param warmup history before the first scored hour (headline: 8 days)
 * @param period how long a limit is held, and the forecast span (headline: 1 hour)
 * @param lead actuation lead time: a limit for [h, h+period) uses data up to h − lead only
 * @param maxGap a spacing between samples longer than this is a gap; hours touching it are skipped
 * @param sampleStep the trace's cadence (5 minutes for Bitbrains)
 * @param confidences peak quantile levels at which quantile models set their limit
 * @param models model names to run (see {@link ModelRegistry})
 */
public record BacktestConfig(
    Duration warmup,
    Duration period,
    Duration lead,
    Duration maxGap,
    Duration sampleStep,
    List<Double> confidences,
    List<String> models) {
  /** The quantile levels every model forecasts in the backtest (0.1 and 0.9 for the 80 % interval). */
  public static final QuantileLevels LEVELS = QuantileLevels.BACKTEST;

  public BacktestConfig {
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(lead, "lead");
    Objects.requireNonNull(maxGap, "maxGap");
    Objects.requireNonNull(sampleStep, "sampleStep");
    confidences = List.copyOf(confidences);
    models = List.copyOf(models);
    if (period.isZero() || period.isNegative() || sampleStep.isZero() || sampleStep.isNegative()) {
      throw new IllegalArgumentException("period and sample step must be positive");
    }
    if (lead.isNegative() || warmup.isNegative()) {
      throw new IllegalArgumentException("lead and warm-up must not be negative");
    }
    for (double c : confidences) {
      if (!(c > 0 && c < 1)) {
        throw new IllegalArgumentException("confidence " + c + " is not in (0,1)");
      }
    }
    if (models.isEmpty()) {
      throw new IllegalArgumentException("no models to backtest");
    }
  }

  /**
   * The levels models are asked for: {@link #LEVELS} plus every confidence, so that a limit at
   * confidence 0.999 is the model's own quantile, not an extrapolation.
   */
  public QuantileLevels modelLevels() {
    TreeSet<Double> all = new TreeSet<>();
    for (double l : LEVELS.toArray()) {
      all.add(l);
    }
    all.addAll(confidences);
    return QuantileLevels.of(all.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The headline protocol: 8-day warm-up, hourly limits, 5-minute lead, gaps over 10 minutes. */
  public static BacktestConfig headline(List<String> models, List<Double> confidences) {
    return new BacktestConfig(
        Duration.ofDays(8), Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofMinutes(10),
        Duration.ofMinutes(5), confidences, models);
  }
}
