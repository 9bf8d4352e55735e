package dev.umbra.allocator.cgroup;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A snapshot of one cgroup's limits, usage and pressure counters. Counters are cumulative since the
 * cgroup was created; compare two snapshots to get rates.
 *
 * @param memoryUsageBytes memory charged now ({@code memory.usage_in_bytes} / {@code memory.current})
 * @param memoryLimitBytes the memory limit, empty when unlimited
 * @param cpuQuotaCores the CPU quota in cores (quota / period), empty when unlimited
 * @param cpuPeriods enforcement periods that elapsed ({@code nr_periods})
 * @param cpuThrottledPeriods periods in which the group was throttled ({@code nr_throttled})
 * @param cpuThrottledTime total time throttled ({@code throttled_time} ns / {@code throttled_usec})
 * @param memoryLimitHits times usage hit the limit ({@code memory.failcnt} / {@code memory.events max})
 * @param oomKills processes killed by the OOM killer in the group ({@code oom_kill}); 0 where the
 *     kernel does not report it
 */
public record CgroupStats(
    long memoryUsageBytes,
    OptionalLong memoryLimitBytes,
    OptionalDouble cpuQuotaCores,
    long cpuPeriods,
    long cpuThrottledPeriods,
    Duration cpuThrottledTime,
    long memoryLimitHits,
    long oomKills) {

  /**
   * Validates the snapshot.
   *
   * @throws IllegalArgumentException if a counter is negative
   */
  public CgroupStats {
    Objects.requireNonNull(memoryLimitBytes, "memoryLimitBytes");
    Objects.requireNonNull(cpuQuotaCores, "cpuQuotaCores");
    Objects.requireNonNull(cpuThrottledTime, "cpuThrottledTime");
    if (memoryUsageBytes < 0 || cpuPeriods < 0 || cpuThrottledPeriods < 0 || memoryLimitHits < 0 || oomKills < 0
        || cpuThrottledTime.isNegative()) {
      throw new IllegalArgumentException("negative counter in cgroup stats");
    }
  }
}
