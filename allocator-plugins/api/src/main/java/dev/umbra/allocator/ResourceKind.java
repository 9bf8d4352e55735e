package dev.umbra.allocator;

/**
 * A resource an allocator can read and set. Each kind has one unit, used throughout the SPI.
 *
 * <p>New kinds may be added; callers must tolerate kinds they do not know.
 */
public enum ResourceKind {
  /** CPU time, in cores: 1.5 means one and a half CPUs' worth of time each second. */
  CPU,
  /** Memory of the whole target (cgroup, container), in bytes. */
  MEMORY,
  /**
   * The heap a JVM should aim to stay within ({@code -XX:SoftMaxHeapSize}), in bytes. Only the
   * {@code jvm} allocator sets it; whether the collector honours it is reported in {@link
   * ApplyResult}.
   */
  HEAP,
  /**
   * Disk read bandwidth of the whole target, in bytes per second, on each disk the allocator
   * throttles (the {@code cgroup} allocator: every physical whole disk, each one separately). Read
   * and write are separate kinds because every platform limits them separately and the forecasts
   * ({@code io.disk.read}, {@code io.disk.write}) are separate series.
   */
  DISK_READ,
  /** Disk write bandwidth of the whole target, in bytes per second, as {@link #DISK_READ}. */
  DISK_WRITE
}
