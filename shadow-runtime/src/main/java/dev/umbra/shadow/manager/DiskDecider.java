package dev.umbra.shadow.manager;

import dev.umbra.shadow.config.ShadowConfig;
import java.util.Objects;

/**
 * Decides a disk read or write bandwidth limit, bytes per second ({@code manage-io}), as CPU is
 * decided: the forecast peak of {@code io.disk.read}/{@code io.disk.write} over the lead plus
 * headroom, never below what the primary reads or writes now, raised x1.5 while it is held at the
 * limit, and never below {@code manage-io-min}, the floor that keeps a throttle from starving it.
 * Pure: no I/O, no clock, no allocator.
 */
final class DiskDecider {
  static final String UNIT = "bytes/s";
  private final Policy policy;

  /** @param policy its {@code min} is the floor, its {@code max} the ceiling */
  DiskDecider(Policy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Within {@code manage-io-min} and {@code manage-io-max}. */
  static DiskDecider of(ShadowConfig.Manage config) {
    return new DiskDecider(Policy.of(config, config.ioMin(), config.ioMax()));
  }

  Policy.Plan decide(Demand d) {
    Policy.Plan plan = d.planBy(policy, UNIT);
    if (plan.action() != Decision.Action.HOLD && plan.desired() <= policy.min()) {
      return new Policy.Plan(plan.action(), plan.desired(), plan.predicted(), plan.probability(),
          plan.reason() + " (the floor manage-io-min)");
    }
    return plan;
  }
}
