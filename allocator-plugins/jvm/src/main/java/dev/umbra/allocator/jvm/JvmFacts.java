package dev.umbra.allocator.jvm;

import java.util.Map;
import java.util.Objects;

/**
 * What the host knows of a primary's JVM (from the agent's {@code Hello} and later reports).
 *
 * @param javaFeatureVersion {@code Runtime.version().feature()}, for example 17
 * @param collector the collector in use
 * @param maxHeapBytes {@code MaxHeapSize}, &gt; 0
 * @param minHeapBytes {@code MinHeapSize} (0 if unknown), &lt;= maxHeapBytes
 * @param flags current values of the manageable flags, by name, as {@code jcmd VM.flags} prints
 *     them (for example {@code SoftMaxHeapSize=536870912}); may be empty
 */
public record JvmFacts(int javaFeatureVersion, GarbageCollector collector, long maxHeapBytes, long minHeapBytes,
    Map<String, String> flags) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if the heap sizes are inconsistent or the version below 8
   */
  public JvmFacts {
    Objects.requireNonNull(collector, "collector");
    flags = Map.copyOf(flags);
    if (javaFeatureVersion < 8) {
      throw new IllegalArgumentException("javaFeatureVersion " + javaFeatureVersion + " < 8");
    }
    if (maxHeapBytes <= 0 || minHeapBytes < 0 || minHeapBytes > maxHeapBytes) {
      throw new IllegalArgumentException("heap sizes: min " + minHeapBytes + ", max " + maxHeapBytes);
    }
  }

  /**
   * Returns the soft heap bound in force: {@code SoftMaxHeapSize} if set and non-zero, else
   * {@code MaxHeapSize} (its default).
   *
   * @return bytes
   */
  public long softMaxHeapBytes() {
    String value = flags.get(JvmFlags.SOFT_MAX_HEAP_SIZE);
    if (value == null) {
      return maxHeapBytes;
    }
    try {
      long parsed = Long.parseLong(value.strip());
      return parsed <= 0 ? maxHeapBytes : parsed;
    } catch (NumberFormatException e) {
      return maxHeapBytes;
    }
  }
}
