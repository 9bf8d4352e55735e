package dev.umbra.allocator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An amount of each resource, each optional: an absent value means "not set" when read (for
 * example no CPU quota) and "leave as it is" when applied.
 *
 * <p>Immutable and thread-safe.
 *
 * @param cpuCores CPU in cores, finite and greater than zero when present
 * @param memoryBytes memory in bytes, greater than zero when present
 * @param heapBytes JVM soft heap bound in bytes, greater than zero when present
 * @param diskReadBytesPerSecond disk read bandwidth in bytes per second ({@link
 *     ResourceKind#DISK_READ}), greater than zero when present
 * @param diskWriteBytesPerSecond disk write bandwidth in bytes per second ({@link
 *     ResourceKind#DISK_WRITE}), greater than zero when present
 */
public record Allocation(OptionalDouble cpuCores, OptionalLong memoryBytes, OptionalLong heapBytes,
    OptionalLong diskReadBytesPerSecond, OptionalLong diskWriteBytesPerSecond) {

  private static final Allocation EMPTY = new Allocation(OptionalDouble.empty(), OptionalLong.empty(),
      OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());

  /**
   * Validates the amounts.
   *
   * @param cpuCores see the record component
   * @param memoryBytes see the record component
   * @param heapBytes see the record component
   * @param diskReadBytesPerSecond see the record component
   * @param diskWriteBytesPerSecond see the record component
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if an amount is present but not finite and positive
   */
  public Allocation {
    Objects.requireNonNull(cpuCores, "cpuCores");
    Objects.requireNonNull(memoryBytes, "memoryBytes");
    Objects.requireNonNull(heapBytes, "heapBytes");
    Objects.requireNonNull(diskReadBytesPerSecond, "diskReadBytesPerSecond");
    Objects.requireNonNull(diskWriteBytesPerSecond, "diskWriteBytesPerSecond");
    if (cpuCores.isPresent()
        && (!Double.isFinite(cpuCores.getAsDouble()) || cpuCores.getAsDouble() <= 0)) {
      throw new IllegalArgumentException("cpuCores must be finite and > 0, was " + cpuCores.getAsDouble());
    }
    if (memoryBytes.isPresent() && memoryBytes.getAsLong() <= 0) {
      throw new IllegalArgumentException("memoryBytes must be > 0, was " + memoryBytes.getAsLong());
    }
    if (heapBytes.isPresent() && heapBytes.getAsLong() <= 0) {
      throw new IllegalArgumentException("heapBytes must be > 0, was " + heapBytes.getAsLong());
    }
    if (diskReadBytesPerSecond.isPresent() && diskReadBytesPerSecond.getAsLong() <= 0) {
      throw new IllegalArgumentException("diskReadBytesPerSecond must be > 0, was " + diskReadBytesPerSecond.getAsLong());
    }
    if (diskWriteBytesPerSecond.isPresent() && diskWriteBytesPerSecond.getAsLong() <= 0) {
      throw new IllegalArgumentException("diskWriteBytesPerSecond must be > 0, was " + diskWriteBytesPerSecond.getAsLong());
    }
  }

  /**
   * An allocation of CPU, memory and heap, with no disk bandwidth set: the constructor of the
   * first version of this record, kept for plugins built against it.
   *
   * @param cpuCores see the record component
   * @param memoryBytes see the record component
   * @param heapBytes see the record component
   */
  public Allocation(OptionalDouble cpuCores, OptionalLong memoryBytes, OptionalLong heapBytes) {
    this(cpuCores, memoryBytes, heapBytes, OptionalLong.empty(), OptionalLong.empty());
  }

  /**
   * Returns an allocation with nothing set.
   *
   * @return the empty allocation
   */
  public static Allocation empty() {
    return EMPTY;
  }

  /**
   * Returns an allocation of CPU and memory.
   *
   * @param cpuCores CPU in cores, &gt; 0
   * @param memoryBytes memory in bytes, &gt; 0
   * @return the allocation
   * @throws IllegalArgumentException if an amount is not positive
   */
  public static Allocation of(double cpuCores, long memoryBytes) {
    return EMPTY.withCpuCores(cpuCores).withMemoryBytes(memoryBytes);
  }

  /**
   * Returns an allocation of CPU only.
   *
   * @param cpuCores CPU in cores, &gt; 0
   * @return the allocation
   */
  public static Allocation cpu(double cpuCores) {
    return EMPTY.withCpuCores(cpuCores);
  }

  /**
   * Returns an allocation of memory only.
   *
   * @param memoryBytes memory in bytes, &gt; 0
   * @return the allocation
   */
  public static Allocation memory(long memoryBytes) {
    return EMPTY.withMemoryBytes(memoryBytes);
  }

  /**
   * Returns an allocation of the JVM soft heap bound only.
   *
   * @param heapBytes heap in bytes, &gt; 0
   * @return the allocation
   */
  public static Allocation heap(long heapBytes) {
    return EMPTY.withHeapBytes(heapBytes);
  }

  /**
   * Returns an allocation of disk read bandwidth only.
   *
   * @param bytesPerSecond bytes per second, &gt; 0
   * @return the allocation
   */
  public static Allocation diskRead(long bytesPerSecond) {
    return EMPTY.withDiskReadBytesPerSecond(bytesPerSecond);
  }

  /**
   * Returns an allocation of disk write bandwidth only.
   *
   * @param bytesPerSecond bytes per second, &gt; 0
   * @return the allocation
   */
  public static Allocation diskWrite(long bytesPerSecond) {
    return EMPTY.withDiskWriteBytesPerSecond(bytesPerSecond);
  }

  /**
   * Returns a copy with the CPU set.
   *
   * @param cores CPU in cores, &gt; 0
   * @return the copy
   */
  public Allocation withCpuCores(double cores) {
    return new Allocation(OptionalDouble.of(cores), memoryBytes, heapBytes, diskReadBytesPerSecond,
        diskWriteBytesPerSecond);
  }

  /**
   * Returns a copy with the memory set.
   *
   * @param bytes memory in bytes, &gt; 0
   * @return the copy
   */
  public Allocation withMemoryBytes(long bytes) {
    return new Allocation(cpuCores, OptionalLong.of(bytes), heapBytes, diskReadBytesPerSecond,
        diskWriteBytesPerSecond);
  }

  /**
   * Returns a copy with the heap bound set.
   *
   * @param bytes heap in bytes, &gt; 0
   * @return the copy
   */
  public Allocation withHeapBytes(long bytes) {
    return new Allocation(cpuCores, memoryBytes, OptionalLong.of(bytes), diskReadBytesPerSecond,
        diskWriteBytesPerSecond);
  }

  /**
   * Returns a copy with the disk read bandwidth set.
   *
   * @param bytesPerSecond bytes per second, &gt; 0
   * @return the copy
   */
  public Allocation withDiskReadBytesPerSecond(long bytesPerSecond) {
    return new Allocation(cpuCores, memoryBytes, heapBytes, OptionalLong.of(bytesPerSecond),
        diskWriteBytesPerSecond);
  }

  /**
   * Returns a copy with the disk write bandwidth set.
   *
   * @param bytesPerSecond bytes per second, &gt; 0
   * @return the copy
   */
  public Allocation withDiskWriteBytesPerSecond(long bytesPerSecond) {
    return new Allocation(cpuCores, memoryBytes, heapBytes, diskReadBytesPerSecond,
        OptionalLong.of(bytesPerSecond));
  }

  /**
   * Returns this allocation with every value {@code change} has put in place of this one's: what
   * applying {@code change} on top of this allocation leaves in effect.
   *
   * @param change the values to set; its absent values leave this one's as they are
   * @return the result
   */
  public Allocation with(Allocation change) {
    return new Allocation(
        change.cpuCores.isPresent() ? change.cpuCores : cpuCores,
        change.memoryBytes.isPresent() ? change.memoryBytes : memoryBytes,
        change.heapBytes.isPresent() ? change.heapBytes : heapBytes,
        change.diskReadBytesPerSecond.isPresent() ? change.diskReadBytesPerSecond : diskReadBytesPerSecond,
        change.diskWriteBytesPerSecond.isPresent() ? change.diskWriteBytesPerSecond : diskWriteBytesPerSecond);
  }

  /**
   * Returns the kinds that have a value.
   *
   * @return a new mutable set, empty if nothing is set
   */
  public Set<ResourceKind> kinds() {
    Set<ResourceKind> kinds = EnumSet.noneOf(ResourceKind.class);
    if (cpuCores.isPresent()) {
      kinds.add(ResourceKind.CPU);
    }
    if (memoryBytes.isPresent()) {
      kinds.add(ResourceKind.MEMORY);
    }
    if (heapBytes.isPresent()) {
      kinds.add(ResourceKind.HEAP);
    }
    if (diskReadBytesPerSecond.isPresent()) {
      kinds.add(ResourceKind.DISK_READ);
    }
    if (diskWriteBytesPerSecond.isPresent()) {
      kinds.add(ResourceKind.DISK_WRITE);
    }
    return kinds;
  }

  /**
   * Tells whether nothing is set.
   *
   * @return true if no kind has a value
   */
  public boolean isEmpty() {
    return kinds().isEmpty();
  }

  /**
   * Formats as {@code cpu=1.5 memory=512MiB heap=-}, for logs and reasons; disk bandwidth follows
   * ({@code diskRead=5MiB/s diskWrite=-}) only when one of the two is set.
   */
  @Override
  public String toString() {
    String disk = diskReadBytesPerSecond.isEmpty() && diskWriteBytesPerSecond.isEmpty() ? ""
        : " diskRead=" + (diskReadBytesPerSecond.isPresent() ? formatBandwidth(diskReadBytesPerSecond.getAsLong()) : "-")
            + " diskWrite=" + (diskWriteBytesPerSecond.isPresent() ? formatBandwidth(diskWriteBytesPerSecond.getAsLong()) : "-");
    return "cpu=" + (cpuCores.isPresent() ? formatCores(cpuCores.getAsDouble()) : "-")
        + " memory=" + (memoryBytes.isPresent() ? formatBytes(memoryBytes.getAsLong()) : "-")
        + " heap=" + (heapBytes.isPresent() ? formatBytes(heapBytes.getAsLong()) : "-")
        + disk;
  }

  /**
   * Formats cores with at most three decimals, for messages.
   *
   * @param cores CPU in cores
   * @return for example {@code 1.5}
   */
  public static String formatCores(double cores) {
    return BigDecimal.valueOf(cores).setScale(3, RoundingMode.HALF_UP)
        .stripTrailingZeros().toPlainString();
  }

  /**
   * Formats bytes exactly, with a binary unit when it divides evenly, for messages.
   *
   * @param bytes amount in bytes
   * @return for example {@code 512MiB} or {@code 1000000B}
   */
  public static String formatBytes(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    long value = bytes;
    int unit = 0;
    while (unit < units.length - 1 && value != 0 && value % 1024 == 0) {
      value /= 1024;
      unit++;
    }
    return value + units[unit];
  }

  /**
   * Formats a bandwidth exactly, as {@link #formatBytes} per second, for messages.
   *
   * @param bytesPerSecond amount in bytes per second
   * @return for example {@code 5MiB/s}
   */
  public static String formatBandwidth(long bytesPerSecond) {
    return formatBytes(bytesPerSecond) + "/s";
  }
}
