package dev.umbra.shadow.manager;

import dev.umbra.shadow.config.ShadowConfig;
import java.util.Objects;

/**
 * Decides a primary's CPU quota, cores: the {@link Policy} over the forecast peak of {@code
 * cpu.process}, never below what the primary uses now; while no forecast is ready, a hold, or
 * x1.5 for a primary held at its quota. Pure: no I/O, no clock, no allocator.
 */
final class CpuDecider {
  static final String UNIT = "cores";
  private final Policy policy;

  CpuDecider(Policy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Within {@code manage-cpu-min} and {@code manage-cpu-max}. */
  static CpuDecider of(ShadowConfig.Manage config) {
    return new CpuDecider(Policy.of(config, config.cpuMin(), config.cpuMax()));
  }

  Policy.Plan decide(Demand d) {
    return d.planBy(policy, UNIT);
  }
}
