package dev.umbra.shadow.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A quantile forecast of one series over one horizon: for each step, one value per quantile
 * level (non-decreasing: quantiles never cross), and the distribution of the peak (maximum) over
 * the whole horizon, which is what provisioning needs. Values are in the series' unit.
 * Immutable and thread-safe. Maps 1:1 onto {@code umbra.v1.Forecast}.
 */
public final class QuantileForecast {
  private final Provenance provenance;
  private final Instant origin;
  private final Horizon horizon;
  private final QuantileLevels levels;
  private final double[][] steps;
  private final double[] peak;
  private final String fallbackReason;
  private final String selection;

  /** What a selector or a fallback said about the forecast: empty strings for nothing. */
  private record Notes(String fallbackReason, String selection) {}

  private QuantileForecast(Provenance provenance, Instant origin, Horizon horizon, QuantileLevels levels,
      double[][] steps, double[] peak) {
    this.provenance = provenance;
    this.origin = origin;
    this.horizon = horizon;
    this.levels = levels;
    this.steps = steps;
    this.peak = peak;
    this.fallbackReason = "";
    this.selection = "";
  }

  /** {@code from}'s model, origin and horizon, with these values and notes. */
  private QuantileForecast(QuantileForecast from, QuantileLevels levels, double[][] steps, double[] peak, Notes notes) {
    this.provenance = from.provenance;
    this.origin = from.origin;
    this.horizon = from.horizon;
    this.levels = levels;
    this.steps = steps;
    this.peak = peak;
    this.fallbackReason = notes.fallbackReason();
    this.selection = notes.selection();
  }

  /**
   * @param steps {@code horizon.steps()} rows of {@code levels.size()} values; copied
   * @param peak {@code levels.size()} values; copied
   * @throws IllegalArgumentException when a shape is wrong, a value is not finite or quantiles
   *     cross (use {@link #rearranged} first when a model can produce crossings)
   */
  public static QuantileForecast of(
      Provenance provenance,
      Instant origin,
      Horizon horizon,
      QuantileLevels levels,
      double[][] steps,
      double[] peak) {
    Objects.requireNonNull(provenance, "provenance");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(horizon, "horizon");
    Objects.requireNonNull(levels, "levels");
    if (steps.length != horizon.steps()) {
      throw new IllegalArgumentException(
          provenance.model() + ": " + steps.length + " step rows for a horizon of " + horizon.steps());
    }
    double[][] stepsCopy = new double[steps.length][];
    for (int i = 0; i < steps.length; i++) {
      stepsCopy[i] = checkedRow(provenance, "step " + i, steps[i], levels);
    }
    return new QuantileForecast(provenance, origin, horizon, levels, stepsCopy, checkedRow(provenance, "peak", peak, levels));
  }

  private static double[] checkedRow(Provenance p, String what, double[] row, QuantileLevels levels) {
    if (row.length != levels.size()) {
      throw new IllegalArgumentException(
          p.model() + " " + what + ": " + row.length + " values for " + levels.size() + " levels");
    }
    for (int j = 0; j < row.length; j++) {
      if (!Double.isFinite(row[j])) {
        throw new IllegalArgumentException(p.model() + " " + what + ": value " + j + " is " + row[j]);
      }
      if (j > 0 && row[j] < row[j - 1]) {
        throw new IllegalArgumentException(
            p.model() + " " + what + ": quantiles cross " + Arrays.toString(row));
      }
    }
    return row.clone();
  }

  /**
   * Monotone rearrangement (Chernozhukov et al. 2010): sorting a row of estimated quantiles
   * never increases their pinball loss, and removes crossings. Returns a sorted copy.
   */
  public static double[] rearranged(double[] row) {
    double[] copy = row.clone();
    Arrays.sort(copy);
    return copy;
  }

  /** The same forecast, marked as made by a fallback model for {@code reason}. */
  public QuantileForecast asFallback(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("fallback reason is blank");
    }
    return new QuantileForecast(this, levels, steps, peak, new Notes(reason, selection));
  }

  /** The same forecast with why its model was chosen, e.g. the rolling losses compared. */
  public QuantileForecast withSelection(String why) {
    Objects.requireNonNull(why, "why");
    return new QuantileForecast(this, levels, steps, peak, new Notes(fallbackReason, why));
  }

  /** Why this model was chosen over the others, when a selector chose it. */
  public Optional<String> selection() {
    return selection.isEmpty() ? Optional.empty() : Optional.of(selection);
  }

  /**
   * The same forecast at other quantile levels: each row interpolated linearly between this
   * forecast's levels and clamped to its lowest and highest quantile outside them (the rows
   * stay non-decreasing). Returns this when the levels are equal.
   */
  public QuantileForecast atLevels(QuantileLevels wanted) {
    if (wanted.equals(levels)) {
      return this;
    }
    double[][] rows = new double[steps.length][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = interpolate(steps[i], wanted);
    }
    return new QuantileForecast(this, wanted, rows, interpolate(peak, wanted), new Notes(fallbackReason, selection));
  }

  private double[] interpolate(double[] row, QuantileLevels wanted) {
    double[] out = new double[wanted.size()];
    int n = levels.size();
    for (int j = 0; j < out.length; j++) {
      double level = wanted.get(j);
      if (level <= levels.get(0)) {
        out[j] = row[0];
      } else if (level >= levels.get(n - 1)) {
        out[j] = row[n - 1];
      } else {
        int i = 1;
        while (levels.get(i) < level) {
          i++;
        }
        double w = (level - levels.get(i - 1)) / (levels.get(i) - levels.get(i - 1));
        out[j] = row[i - 1] + w * (row[i] - row[i - 1]);
      }
      if (j > 0) {
        out[j] = Math.max(out[j], out[j - 1]);
      }
    }
    return out;
  }

  public Provenance provenance() {
    return provenance;
  }

  public String series() {
    return provenance.series();
  }

  public String model() {
    return provenance.model();
  }

  public String modelVersion() {
    return provenance.modelVersion();
  }

  /** Time of the last observation used; step {@code i} ends at {@code origin + (i+1)·step}. */
  public Instant origin() {
    return origin;
  }

  public Horizon horizon() {
    return horizon;
  }

  public Duration step() {
    return horizon.step();
  }

  public QuantileLevels levels() {
    return levels;
  }

  /** Quantile {@code level} (by index) of step {@code step}. */
  public double stepQuantile(int step, int level) {
    return steps[step][level];
  }

  /** Copy of step {@code step}'s quantiles, aligned with {@link #levels()}. */
  public double[] stepQuantiles(int step) {
    return steps[step].clone();
  }

  /** Copy of the peak's quantiles, aligned with {@link #levels()}. */
  public double[] peakQuantiles() {
    return peak.clone();
  }

  /** Quantile {@code level} (by index) of the peak over the horizon. */
  public double peakQuantile(int level) {
    return peak[level];
  }

  /**
   * The peak's quantile at any level in (0,1), interpolated linearly between the forecast's
   * levels and clamped to its lowest and highest quantile outside them.
   */
  public double peakAt(double level) {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level " + level + " is not in (0,1)");
    }
    int n = levels.size();
    if (level <= levels.get(0)) {
      return peak[0];
    }
    for (int i = 1; i < n; i++) {
      if (level <= levels.get(i)) {
        double w = (level - levels.get(i - 1)) / (levels.get(i) - levels.get(i - 1));
        return peak[i - 1] + w * (peak[i] - peak[i - 1]);
      }
    }
    return peak[n - 1];
  }

  /**
   * P(peak over the horizon &gt; x): the resource manager's confidence that a limit {@code x}
   * will be exceeded. The peak's CDF is linear between the forecast quantiles; below the lowest
   * quantile it falls linearly to 0 at demand 0; above the highest it rises to 1 with the slope
   * of its last segment of positive width (a point mass when all quantiles are equal). Non-increasing in {@code x}, in [0, 1].
   */
  public double probabilityPeakAbove(double x) {
    if (Double.isNaN(x)) {
      throw new IllegalArgumentException("threshold is NaN");
    }
    return 1 - peakCdf(x);
  }

  private double peakCdf(double x) {
    int n = levels.size();
    if (x < 0) {
      return 0;
    }
    if (x < peak[0]) {
      return levels.get(0) * x / peak[0];
    }
    if (x >= peak[n - 1]) {
      // extrapolate with the slope of the last segment of positive width
      for (int i = n - 1; i > 0; i--) {
        if (peak[i] > peak[i - 1]) {
          double slope = (levels.get(i) - levels.get(i - 1)) / (peak[i] - peak[i - 1]);
          return Math.min(1, levels.get(n - 1) + slope * (x - peak[n - 1]));
        }
      }
      return x > peak[n - 1] ? 1 : levels.get(n - 1);
    }
    int i = n - 1;
    while (peak[i] > x) {
      i--;
    }
    // peak[i] <= x < peak[i+1]; for plateaus, i is the highest level with quantile <= x
    double w = (x - peak[i]) / (peak[i + 1] - peak[i]);
    return levels.get(i) + w * (levels.get(i + 1) - levels.get(i));
  }

  /** Empty when the preferred model made it; otherwise why a fallback model was used. */
  public Optional<String> fallbackReason() {
    return fallbackReason.isEmpty() ? Optional.empty() : Optional.of(fallbackReason);
  }

  @Override
  public String toString() {
    return "QuantileForecast[" + provenance + ", origin " + origin + ", " + horizon.steps() + " x "
        + horizon.step() + ", peak " + Arrays.toString(peak) + " at " + levels
        + (fallbackReason.isEmpty() ? "" : ", fallback: " + fallbackReason)
        + (selection.isEmpty() ? "" : ", selection: " + selection) + "]";
  }
}
