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
  HEAP
}
