package dev.umbra.shadow.manager;

import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.forecast.QuantileForecast;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The decision rule for one resource of one primary, pure and deterministic (docs/architecture.md,
 * "Resource manager"):
 *
 * <pre>
 * predicted = forecast.peak(lead).quantile(confidence)
 * desired   = clamp(max(predicted, floor) * (1 + headroom), min, max)
 *             (CPU and disk bandwidth: max(predicted, floor, usage); memory: never below usage + 5 %)
 * up        if desired &gt; current * (1 + UP_BAND) and P(demand &gt; current) &gt;= threshold
 *           (or the primary is saturated: usage &gt;= SATURATED * current, where the forecast is censored;
 *           or the floor, a known need, is above current)
 * down      if desired &lt; current * (1 - band) and the cooldown since the last change has passed
 * each step multiplies or divides current by at most maxStep
 * </pre>
 *
 * @param confidence the quantile of the forecast peak to cover
 * @param threshold the smallest P(demand &gt; current) that justifies a scale-up
 * @param headroom the fraction added on top of the need
 * @param band the hysteresis band for scale-downs
 * @param cooldown the least time between a change and a scale-down
 * @param maxStep the largest factor of one change
 * @param min the smallest allocation
 * @param max the largest allocation
 */
record Policy(double confidence, double threshold, double headroom, double band, Duration cooldown, double maxStep,
    double min, double max) {

  /** Changes upward smaller than this fraction are not worth an actuation. */
  static final double UP_BAND = 0.05;
  /** At or above this share of its allocation a primary is saturated: its usage no longer shows its demand. */
  static final double SATURATED = 0.95;
  /**
   * A saturated primary gets at least this factor more, whatever the (censored) forecast says:
   * its demand is unknown, so it is probed about as fast as a threshold autoscaler aiming at
   * 70 % utilisation would (1 / 0.7 = 1.43). 1.25 took two or three ticks to reach a step of demand.
   */
  static final double SATURATED_STEP = 1.5;
  /** Memory is never set closer to current usage than this fraction above it. */
  static final double USAGE_MARGIN = 0.05;

  Policy {
    Objects.requireNonNull(cooldown, "cooldown");
    if (!(min > 0) || max < min) {
      throw new IllegalArgumentException("bounds [" + min + ", " + max + "]");
    }
  }

  /** The rule of {@code manage-*} for a resource bounded by {@code [min, max]}. */
  static Policy of(ShadowConfig.Manage config, double min, double max) {
    return new Policy(config.confidence(), config.threshold(), config.headroom(), config.band(), config.cooldown(),
        config.maxStep(), min, max);
  }

  /**
   * What one decision sees.
   *
   * @param memory true for memory: never below usage
   * @param current the allocation in effect, empty when unlimited
   * @param usage the latest usage, NaN when unknown
   * @param forecast the forecast of demand over the lead time
   * @param floor a need the forecast must not go below (the JVM's need for memory), 0 for none
   * @param now the decision time
   * @param lastChange when this resource was last changed, if ever
   * @param ceiling the most the target can use whatever the forecast says (a JVM's memory:
   *     MaxHeapSize plus off-heap), infinite for none
   */
  record Inputs(boolean memory, OptionalDouble current, double usage, QuantileForecast forecast, double floor,
      Instant now, Optional<Instant> lastChange, double ceiling) {
    Inputs {
      Objects.requireNonNull(current, "current");
      Objects.requireNonNull(forecast, "forecast");
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(lastChange, "lastChange");
      if (!(ceiling > 0)) {
        throw new IllegalArgumentException("ceiling must be > 0, was " + ceiling);
      }
    }

    /** Without a ceiling: whatever the forecast says. */
    Inputs(boolean memory, OptionalDouble current, double usage, QuantileForecast forecast, double floor,
        Instant now, Optional<Instant> lastChange) {
      this(memory, current, usage, forecast, floor, now, lastChange, Double.POSITIVE_INFINITY);
    }
  }

  /** What to do: the action, the amount (current for a hold), the forecast facts and why. */
  record Plan(Decision.Action action, double desired, double predicted, double probability, String reason) {}

  Plan plan(Inputs in, String unit) {
    double forecastPeak = in.forecast().peakAt(confidence);
    double predicted = Math.min(forecastPeak, in.ceiling());
    // CPU is never planned below what the primary uses right now: a forecast that says less
    // (a period found a few seconds out of phase, a model that has not caught up) would throttle it
    // at once, and the saturation rule would take it back up two seconds later.
    boolean busierThanForecast = !in.memory() && Double.isFinite(in.usage()) && in.usage() > Math.max(predicted, in.floor());
    double need = busierThanForecast ? in.usage() : Math.max(predicted, in.floor());
    double desired = need * (1 + headroom);
    double current = in.current().orElse(Double.NaN);
    boolean limited = in.current().isPresent();
    boolean saturated = limited && in.usage() >= SATURATED * current;
    if (saturated) {
      desired = Math.max(desired, current * SATURATED_STEP);
    }
    String why = String.format(Locale.ROOT, "peak p%s over %s = %s%s",
        pct(confidence), lead(in.forecast()), fmt(predicted, unit),
        in.floor() > predicted ? ", need " + fmt(in.floor(), unit) : "")
        + (busierThanForecast ? ", but it uses " + fmt(in.usage(), unit) + " now" : "")
        + (forecastPeak > predicted ? " (forecast " + fmt(forecastPeak, unit) + ", more than the most it can use)" : "");
    if (in.memory() && Double.isFinite(in.usage())) {
      double usageFloor = in.usage() * (1 + USAGE_MARGIN);
      if (usageFloor > max) {
        return new Plan(Decision.Action.REFUSED, current, predicted, probability(in, current),
            "usage " + fmt(in.usage(), unit) + " leaves no room under the maximum " + fmt(max, unit)
                + " (manage-memory-max); raise it; nothing applied");
      }
      desired = Math.max(desired, usageFloor);
    }
    desired = Math.min(max, Math.max(min, desired));
    if (!limited) {
      return new Plan(Decision.Action.SCALE_DOWN, desired, predicted, 0,
          why + "; no limit is set, setting " + fmt(desired, unit));
    }
    double probability = probability(in, current);
    String p = String.format(Locale.ROOT, "P(demand > %s) = %.2f", fmt(current, unit), probability);
    // a known need above the allocation (a JVM's live set and growth) is not a matter of probability
    boolean belowNeed = in.floor() * (1 + headroom) > current * (1 + UP_BAND);
    if (desired > current * (1 + UP_BAND)) {
      if (probability >= threshold || saturated || belowNeed) {
        double next = Math.min(desired, current * maxStep);
        return new Plan(Decision.Action.SCALE_UP, next, predicted, probability, why + ", " + p
            + (saturated ? ", saturated (usage " + fmt(in.usage(), unit) + ")"
                : probability >= threshold ? " >= " + threshold : ", below the need")
            + ": " + fmt(current, unit) + " -> " + fmt(next, unit)
            + (next < desired ? " (step limit x" + maxStep + ", wanted " + fmt(desired, unit) + ")" : ""));
      }
      return new Plan(Decision.Action.HOLD, current, predicted, probability,
          why + ", but " + p + " < threshold " + threshold);
    }
    if (desired < current * (1 - band)) {
      Optional<Instant> last = in.lastChange();
      if (last.isPresent() && in.now().isBefore(last.get().plus(cooldown))) {
        long left = Duration.between(in.now(), last.get().plus(cooldown)).toSeconds();
        return new Plan(Decision.Action.HOLD, current, predicted, probability,
            why + "; would scale down to " + fmt(desired, unit) + " but the cooldown has " + left + " s left");
      }
      double next = Math.max(desired, current / maxStep);
      return new Plan(Decision.Action.SCALE_DOWN, next, predicted, probability, why + ", " + p + ": "
          + fmt(current, unit) + " -> " + fmt(next, unit)
          + (next > desired ? " (step limit /" + maxStep + ", wanted " + fmt(desired, unit) + ")" : ""));
    }
    return new Plan(Decision.Action.HOLD, current, predicted, probability,
        why + ", " + p + ": desired " + fmt(desired, unit) + " is within the band of " + fmt(current, unit));
  }

  /**
   * The decision while no forecast is ready (a new primary, a model still learning): hold,
   * unless the primary is saturated, where it gets {@link #SATURATED_STEP} more, as a reactive
   * autoscaler would. Holding instead would keep a new primary throttled, and its forecast would
   * then learn from usage capped at the limit.
   *
   * @param notReady why there is no forecast
   */
  Plan planWithoutForecast(boolean memory, OptionalDouble current, double usage, String notReady, String unit) {
    double c = current.orElse(Double.NaN);
    boolean saturated = current.isPresent() && usage >= SATURATED * c;
    if (!saturated) {
      return new Plan(Decision.Action.HOLD, c, Double.NaN, Double.NaN, notReady);
    }
    double next = Math.min(max, Math.max(min, c * SATURATED_STEP));
    if (memory) {
      next = Math.max(next, Math.min(max, usage * (1 + USAGE_MARGIN)));
    }
    if (next <= c * (1 + UP_BAND)) {
      return new Plan(Decision.Action.HOLD, c, Double.NaN, Double.NaN, notReady + "; saturated (usage "
          + fmt(usage, unit) + ") but already at the maximum " + fmt(max, unit));
    }
    return new Plan(Decision.Action.SCALE_UP, next, Double.NaN, Double.NaN, notReady + "; saturated (usage "
        + fmt(usage, unit) + " >= " + Math.round(SATURATED * 100) + " % of the limit): " + fmt(c, unit) + " -> "
        + fmt(next, unit));
  }

  private static double probability(Inputs in, double current) {
    return Double.isFinite(current) ? in.forecast().probabilityPeakAbove(current) : 0;
  }

  private static String lead(QuantileForecast f) {
    return f.horizon().duration().toSeconds() + " s";
  }

  private static String pct(double q) {
    double p = q * 100;
    return p == Math.rint(p) ? Long.toString((long) p) : String.format(Locale.ROOT, "%.1f", p);
  }

  /** Cores with three decimals, bytes in MiB, bytes/s in MiB/s. */
  static String fmt(double value, String unit) {
    if (Double.isNaN(value)) {
      return "unlimited";
    }
    return switch (unit) {
      case "bytes" -> String.format(Locale.ROOT, "%.1f MiB", value / (1 << 20));
      case "bytes/s" -> String.format(Locale.ROOT, "%.1f MiB/s", value / (1 << 20));
      default -> String.format(Locale.ROOT, "%.3f cores", value);
    };
  }
}
