package dev.umbra.allocator.cgroup;

import static dev.umbra.allocator.Allocation.formatBytes;
import static dev.umbra.allocator.Allocation.formatCores;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.ApplyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Reads and sets the CPU quota, memory limit and disk bandwidth limits ({@link DiskLimits}) of a
 * cgroup, v1 or v2. Checks the whole request before writing anything, then writes disk, CPU and
 * memory in that order; if a write fails, what was written before it is put back.
 */
final class CgroupLimits {

  /** Memory limits are whole pages; the kernel rounds down, so we do it first and compare exactly. */
  static final long PAGE_BYTES = 4096;
  /** The kernel refuses a CFS quota under 1 ms (kernel/sched/core.c, min_cfs_quota_period). */
  static final long MIN_QUOTA_MICROS = 1000;
  static final long DEFAULT_PERIOD_MICROS = 100_000;

  private final double minCpuCores;
  private final long minMemoryBytes;
  private final DiskLimits disk;

  CgroupLimits(double minCpuCores, long minMemoryBytes, DiskLimits disk) {
    this.minCpuCores = minCpuCores;
    this.minMemoryBytes = minMemoryBytes;
    this.disk = disk;
  }

  /** A step already written, and how to undo it should a later one fail. */
  private record Written(String what, Undo undo) {}

  @FunctionalInterface
  private interface Undo {
    void run() throws AllocatorException;
  }

  /** {@code [quotaMicros or -1, periodMicros]}. */
  static long[] cpuQuota(Cgroup cgroup) throws AllocatorException {
    if (cgroup.version() == CgroupVersion.V1) {
      return new long[] {
        CgroupFiles.readLong(cgroup, cgroup.cpuDirectory().resolve("cpu.cfs_quota_us")),
        CgroupFiles.readLong(cgroup, cgroup.cpuDirectory().resolve("cpu.cfs_period_us"))
      };
    }
    Path file = cgroup.cpuDirectory().resolve("cpu.max");
    String[] parts = CgroupFiles.read(cgroup, file).split("\\s+");
    try {
      long period = parts.length > 1 ? Long.parseLong(parts[1]) : DEFAULT_PERIOD_MICROS;
      return new long[] {parts[0].equals("max") ? -1 : Long.parseLong(parts[0]), period};
    } catch (NumberFormatException e) {
      throw new AllocatorException(Reason.FAILED, file + " of " + cgroup + " is not 'quota period': " + String.join(" ", parts), e);
    }
  }

  static OptionalDouble cpuCores(Cgroup cgroup) throws AllocatorException {
    long[] quota = cpuQuota(cgroup);
    return quota[0] < 0 ? OptionalDouble.empty() : OptionalDouble.of((double) quota[0] / quota[1]);
  }

  static OptionalLong memoryLimit(Cgroup cgroup) throws AllocatorException {
    long limit;
    if (cgroup.version() == CgroupVersion.V1) {
      limit = CgroupFiles.readLong(cgroup, cgroup.memoryDirectory().resolve("memory.limit_in_bytes"));
    } else {
      String text = CgroupFiles.read(cgroup, cgroup.memoryDirectory().resolve("memory.max"));
      if (text.equals("max")) {
        return OptionalLong.empty();
      }
      limit = CgroupFiles.readLong(cgroup, cgroup.memoryDirectory().resolve("memory.max"));
    }
    return limit >= CgroupFiles.UNLIMITED_THRESHOLD ? OptionalLong.empty() : OptionalLong.of(limit);
  }

  static long memoryUsage(Cgroup cgroup) throws AllocatorException {
    String file = cgroup.version() == CgroupVersion.V1 ? "memory.usage_in_bytes" : "memory.current";
    return CgroupFiles.readLong(cgroup, cgroup.memoryDirectory().resolve(file));
  }

  Allocation read(Cgroup cgroup) throws AllocatorException {
    requireExists(cgroup);
    OptionalDouble cpu = cpuCores(cgroup);
    OptionalLong memory = memoryLimit(cgroup);
    OptionalLong[] bandwidth = disk.inEffect(cgroup);
    return new Allocation(cpu, memory, OptionalLong.empty(), bandwidth[0], bandwidth[1]);
  }

  static void requireExists(Cgroup cgroup) throws AllocatorException {
    if (!cgroup.exists()) {
      throw new AllocatorException(Reason.TARGET_GONE, cgroup + " no longer exists ("
          + (Files.isDirectory(cgroup.cpuDirectory()) ? cgroup.memoryDirectory() : cgroup.cpuDirectory()) + " is gone)");
    }
  }

  ApplyResult apply(Cgroup cgroup, Allocation desired) throws AllocatorException {
    if (desired.heapBytes().isPresent()) {
      throw new AllocatorException(Reason.INVALID_REQUEST,
          "the cgroup allocator sets cpu, memory and disk bandwidth, not the JVM heap (use the jvm allocator): " + desired);
    }
    if (desired.isEmpty()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "nothing to apply: the desired allocation is empty");
    }
    requireExists(cgroup);
    long[] quota = cpuQuota(cgroup);
    Long newQuota = desired.cpuCores().isPresent() ? checkedQuota(desired.cpuCores().getAsDouble(), quota[1]) : null;
    OptionalLong limit = memoryLimit(cgroup);
    Long newLimit = desired.memoryBytes().isPresent() ? checkedMemory(cgroup, desired.memoryBytes().getAsLong()) : null;
    DiskLimits.Plan diskPlan = disk.check(cgroup, desired);

    List<String> changes = new ArrayList<>();
    List<Written> written = new ArrayList<>();
    try {
      if (!diskPlan.isEmpty()) {
        disk.write(cgroup, diskPlan);
        written.add(new Written("the disk limits", () -> disk.restore(cgroup, diskPlan)));
        changes.addAll(diskPlan.changes());
      }
      if (newQuota != null && newQuota != quota[0]) {
        writeQuota(cgroup, newQuota, quota[1]);
        written.add(new Written("the cpu quota", () -> writeQuota(cgroup, quota[0], quota[1])));
        changes.add("cpu quota " + describeQuota(quota[0], quota[1]) + " -> " + describeQuota(newQuota, quota[1]));
      }
      if (newLimit != null && (limit.isEmpty() || newLimit != limit.getAsLong())) {
        writeMemory(cgroup, newLimit);
        changes.add("memory limit " + (limit.isPresent() ? formatBytes(limit.getAsLong()) : "unlimited") + " -> " + formatBytes(newLimit));
      }
    } catch (AllocatorException e) {
      rollBack(cgroup, written, e);
      throw e;
    }
    Allocation inEffect = read(cgroup);
    if (changes.isEmpty()) {
      return new ApplyResult(ApplyResult.Status.UNCHANGED, inEffect, cgroup + " already has " + desired);
    }
    return new ApplyResult(ApplyResult.Status.APPLIED, inEffect, cgroup + ": " + String.join(", ", changes));
  }

  /**
   * Removes every disk bandwidth limit of a cgroup ({@code 0} under v1, {@code max} under v2), on
   * every device that has one.
   */
  ApplyResult removeDiskLimits(Cgroup cgroup) throws AllocatorException {
    requireExists(cgroup);
    List<String> removed = disk.removeAll(cgroup);
    Allocation inEffect = read(cgroup);
    if (removed.isEmpty()) {
      return new ApplyResult(ApplyResult.Status.UNCHANGED, inEffect, cgroup + " has no disk limit");
    }
    return new ApplyResult(ApplyResult.Status.APPLIED, inEffect, cgroup + ": removed the disk limits "
        + String.join(", ", removed));
  }

  private long checkedQuota(double cores, long periodMicros) throws AllocatorException {
    if (cores < minCpuCores) {
      throw new AllocatorException(Reason.INVALID_REQUEST,
          "cpu " + formatCores(cores) + " cores is below the minimum of " + formatCores(minCpuCores) + " (setting minCpu); nothing applied");
    }
    long quotaMicros = Math.round(cores * periodMicros);
    if (quotaMicros < MIN_QUOTA_MICROS) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "cpu " + formatCores(cores) + " cores is a quota of "
          + quotaMicros + " us per " + periodMicros + " us period, below the kernel's minimum of 1000 us; nothing applied");
    }
    return quotaMicros;
  }

  private long checkedMemory(Cgroup cgroup, long bytes) throws AllocatorException {
    if (bytes < minMemoryBytes) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "memory " + formatBytes(bytes) + " is below the minimum of "
          + formatBytes(minMemoryBytes) + " (setting minMemory); nothing applied");
    }
    long pages = bytes - bytes % PAGE_BYTES;
    long usage = memoryUsage(cgroup);
    if (pages < usage) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "memory " + formatBytes(bytes) + " (" + bytes
          + " bytes) is below the current usage of " + formatBytes(usage) + " (" + usage + " bytes) of " + cgroup
          + "; refused, nothing applied: a limit below usage forces reclaim or an OOM kill");
    }
    return pages;
  }

  private static void writeQuota(Cgroup cgroup, long quotaMicros, long periodMicros) throws AllocatorException {
    if (cgroup.version() == CgroupVersion.V1) {
      CgroupFiles.write(cgroup, cgroup.cpuDirectory().resolve("cpu.cfs_quota_us"), Long.toString(quotaMicros));
    } else {
      CgroupFiles.write(cgroup, cgroup.cpuDirectory().resolve("cpu.max"),
          (quotaMicros < 0 ? "max" : Long.toString(quotaMicros)) + " " + periodMicros);
    }
  }

  /** Undoes, newest first, what was written before {@code cause}; PARTIAL if an undo fails too. */
  private static void rollBack(Cgroup cgroup, List<Written> written, AllocatorException cause) throws AllocatorException {
    for (int i = written.size() - 1; i >= 0; i--) {
      try {
        written.get(i).undo().run();
      } catch (AllocatorException rollback) {
        List<String> changed = written.subList(0, i + 1).stream().map(Written::what).toList();
        AllocatorException partial = new AllocatorException(Reason.PARTIAL, String.join(" and ", changed) + " of " + cgroup
            + " were changed but the rest was not (" + cause.getMessage() + "), and restoring " + written.get(i).what()
            + " failed: " + rollback.getMessage(), cause);
        partial.addSuppressed(rollback);
        throw partial;
      }
    }
  }

  private static void writeMemory(Cgroup cgroup, long bytes) throws AllocatorException {
    if (cgroup.version() == CgroupVersion.V2) {
      CgroupFiles.write(cgroup, cgroup.memoryDirectory().resolve("memory.max"), Long.toString(bytes));
      return;
    }
    // v1 refuses memory.limit_in_bytes above a set memory.memsw.limit_in_bytes (EINVAL): raise that
    // first, to the same value (no swap beyond the memory limit).
    Path memsw = cgroup.memoryDirectory().resolve("memory.memsw.limit_in_bytes");
    if (Files.exists(memsw)) {
      long swapLimit = CgroupFiles.readLong(cgroup, memsw);
      if (swapLimit < CgroupFiles.UNLIMITED_THRESHOLD && swapLimit < bytes) {
        CgroupFiles.write(cgroup, memsw, Long.toString(bytes));
      }
    }
    CgroupFiles.write(cgroup, cgroup.memoryDirectory().resolve("memory.limit_in_bytes"), Long.toString(bytes));
  }

  private static String describeQuota(long quotaMicros, long periodMicros) {
    return quotaMicros < 0 ? "unlimited" : quotaMicros + "/" + periodMicros + " us (" + formatCores((double) quotaMicros / periodMicros) + " cores)";
  }
}
