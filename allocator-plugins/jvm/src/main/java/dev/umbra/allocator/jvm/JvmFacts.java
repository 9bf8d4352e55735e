package dev.umbra.allocator.jvm;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
   * @param javaFeatureVersion see the record component
   * @param collector see the record component
   * @param maxHeapBytes see the record component
   * @param minHeapBytes see the record component
   * @param flags see the record component
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
   * Reads the feature version from {@code java.version} as the agent's {@code Hello} reports it:
   * {@code 17.0.15} gives 17, {@code 1.8.0_392} gives 8, {@code 26-ea} gives 26.
   *
   * @param javaVersion the {@code java.version} system property of the primary
   * @return the feature version
   * @throws IllegalArgumentException if it is not a Java version
   */
  public static int featureVersion(String javaVersion) {
    Matcher m = Pattern.compile("(\\d+)(?:\\.(\\d+))?.*").matcher(javaVersion.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a java.version: '" + javaVersion + "'");
    }
    int first = Integer.parseInt(m.group(1));
    return first == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : first;
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
