/**
 * The {@code cgroup} allocator: CPU quota, memory limit and disk bandwidth of a Linux control
 * group, v1 ({@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}, {@code memory.limit_in_bytes},
 * {@code blkio.throttle.read_bps_device}/{@code write_bps_device}) or v2 ({@code cpu.max}, {@code
 * memory.max}, {@code io.max}), detected at run time from {@code /proc/self/mountinfo}. Disk
 * bandwidth is limited on each physical whole disk separately (see {@code BlockDevices}).
 *
 * <p>{@link dev.umbra.allocator.cgroup.CgroupManager} is the public handle {@code umbra run} and the
 * shadow's self-isolation use: create a cgroup for a primary ({@code umbra-<name>} under a parent,
 * by default the caller's own cgroup), move a process into it, adopt an existing one, read its
 * usage and throttling, and remove it. {@link dev.umbra.allocator.cgroup.CgroupAllocatorProvider}
 * ({@code cgroup}) exposes the same through the allocator SPI. Memory is never set below current
 * usage; disk bandwidth is never limited for a root cgroup.
 *
 * <p>Threads: no thread of its own; every call does blocking file I/O on cgroupfs (microseconds)
 * on the caller's thread. Thread-safe: writes to one cgroup are serialised by the kernel, and the
 * read-check-write of {@code apply} runs under a lock per allocator.
 */
package dev.umbra.allocator.cgroup;
