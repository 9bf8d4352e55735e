package dev.umbra.shadow.forecast;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link CalibratedForecaster} learns.
 *
 * @param scoreHalfLife half-life of the weighted score distribution (the conformal part): older
 *     horizons count for less, so a workload that changes is recalibrated within a few half-lives
 * @param aciStep Gibbs and Candès' step γ on each level's miss rate (adaptive conformal
 *     inference), per horizon (each of a horizon's overlapping origins moves it by γ / steps); 0 is
 *     plain weighted split-conformal
 * @param minHorizons horizons' worth of resolved origins (one per step) before it corrects
 *     anything; until then the wrapped model's forecast passes through
 */
public record Calibration(Duration scoreHalfLife, double aciStep, int minHorizons) {
  /**
   * A 7-day half-life, as the empirical peak models use for their ratios, and γ = 0.005 per
   * horizon, the step of Gibbs and Candès' experiments: what won on the 57 Bitbrains VMs against
   * γ = 0 (plain conformal: hours over a 0.999 limit 0.21 %, twice 1 − c), γ = 0.01 (fewer VMs
   * with 90 % coverage in [88, 92] %) and a 2-day half-life (tails worse); docs/calibration.md.
   */
  public static final Calibration DEFAULT = new Calibration(Duration.ofDays(7), 0.005, 24);

  public Calibration {
    Objects.requireNonNull(scoreHalfLife, "scoreHalfLife");
    if (scoreHalfLife.compareTo(Duration.ofSeconds(1)) < 0 || scoreHalfLife.getNano() != 0) {
      throw new IllegalArgumentException("calibration half-life must be whole seconds >= 1 s: " + scoreHalfLife);
    }
    if (!(aciStep >= 0 && aciStep < 1)) {
      throw new IllegalArgumentException("calibration step must be in [0, 1): " + aciStep);
    }
    if (minHorizons < 1) {
      throw new IllegalArgumentException("calibration needs at least one horizon before it corrects: " + minHorizons);
    }
  }
}
