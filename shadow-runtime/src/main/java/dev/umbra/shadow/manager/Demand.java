package dev.umbra.shadow.manager;

import dev.umbra.shadow.forecast.QuantileForecast;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a decider sees of one resource of one primary at one tick: the allocation, the usage and
 * the forecast of demand, all read by the loop beforehand.
 *
 * @param current the allocation in effect, empty when unlimited
 * @param usage the latest usage (the peak of the last seconds), NaN when unknown
 * @param forecast the forecast of the peak over the lead time, empty while none is ready
 * @param notReady why there is no forecast (empty when there is one)
 * @param now the decision time
 * @param lastChange when the resource was last changed, or the primary first seen: the cooldown
 *     runs from either
 */
record Demand(OptionalDouble current, double usage, Optional<QuantileForecast> forecast, String notReady,
    Instant now, Optional<Instant> lastChange) {
  Demand {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(forecast, "forecast");
    Objects.requireNonNull(notReady, "notReady");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(lastChange, "lastChange");
  }

  /** The model the forecast came from, {@code -} without one. */
  String model() {
    return forecast.map(QuantileForecast::model).orElse("-");
  }

  /**
   * The policy's plan for a resource that only needs the forecast peak (CPU, disk bandwidth):
   * from the forecast, explained, or without one while none is ready.
   */
  Policy.Plan planBy(Policy policy, String unit) {
    if (forecast.isEmpty()) {
      return policy.planWithoutForecast(false, current, usage, notReady, unit);
    }
    return explained(policy.plan(new Policy.Inputs(false, current, usage, forecast.get(), 0, now, lastChange), unit));
  }

  /** The plan's reason with where a periodic forecast came from (period, correlation). */
  Policy.Plan explained(Policy.Plan plan) {
    QuantileForecast f = forecast.orElseThrow();
    if (!f.model().equals(Periodicity.MODEL) || f.selection().isEmpty()) {
      return plan;
    }
    return new Policy.Plan(plan.action(), plan.desired(), plan.predicted(), plan.probability(),
        plan.reason() + " [" + f.selection().get() + "]");
  }
}
