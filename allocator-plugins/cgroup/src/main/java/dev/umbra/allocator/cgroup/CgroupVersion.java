package dev.umbra.allocator.cgroup;

/** Which cgroup interface manages CPU and memory on this host. */
public enum CgroupVersion {
  /** Legacy: one hierarchy per controller, {@code cpu.cfs_quota_us}, {@code memory.limit_in_bytes}. */
  V1,
  /** Unified: one hierarchy, {@code cpu.max}, {@code memory.max}. */
  V2
}
