package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.AllocatorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Reads {@link CgroupStats}. v1: {@code cpu.stat} ({@code nr_periods nr_throttled throttled_time}
 * in ns), {@code memory.usage_in_bytes}, {@code memory.failcnt}, {@code memory.oom_control}
 * ({@code oom_kill} since Linux 4.13). v2: {@code cpu.stat} ({@code throttled_usec}), {@code
 * memory.current}, {@code memory.events} ({@code max}, {@code oom_kill}).
 */
final class CgroupStatsReader {

  private CgroupStatsReader() {}

  static CgroupStats read(Cgroup cgroup) throws AllocatorException {
    CgroupLimits.requireExists(cgroup);
    Map<String, Long> cpu = CgroupFiles.readKeyed(cgroup, cgroup.cpuDirectory().resolve("cpu.stat"));
    long usage = CgroupLimits.memoryUsage(cgroup);
    long limitHits;
    long oomKills;
    Duration throttled;
    if (cgroup.version() == CgroupVersion.V1) {
      throttled = Duration.ofNanos(cpu.getOrDefault("throttled_time", 0L));
      limitHits = CgroupFiles.readLong(cgroup, cgroup.memoryDirectory().resolve("memory.failcnt"));
      Path oomControl = cgroup.memoryDirectory().resolve("memory.oom_control");
      oomKills = Files.exists(oomControl) ? CgroupFiles.readKeyed(cgroup, oomControl).getOrDefault("oom_kill", 0L) : 0;
    } else {
      throttled = Duration.ofNanos(cpu.getOrDefault("throttled_usec", 0L) * 1000);
      Map<String, Long> events = CgroupFiles.readKeyed(cgroup, cgroup.memoryDirectory().resolve("memory.events"));
      limitHits = events.getOrDefault("max", 0L);
      oomKills = events.getOrDefault("oom_kill", 0L);
    }
    return new CgroupStats(usage, CgroupLimits.memoryLimit(cgroup), CgroupLimits.cpuCores(cgroup),
        cpu.getOrDefault("nr_periods", 0L), cpu.getOrDefault("nr_throttled", 0L), throttled, limitHits, oomKills);
  }
}
