package dev.umbra.allocator.jvm;

import java.util.Map;

/**
 * What the agent did with an {@code ApplyJvmSettings} command.
 *
 * @param applied flags the JVM accepted, name to value now in force
 * @param rejected flags the JVM refused, name to its reason (for example {@code
 *     "SoftMaxHeapSize must be less than or equal to the maximum heap size"})
 * @param gcRequested whether a GC was requested after setting them
 */
public record FlagResult(Map<String, String> applied, Map<String, String> rejected, boolean gcRequested) {

  /** Copies the maps. */
  public FlagResult {
    applied = Map.copyOf(applied);
    rejected = Map.copyOf(rejected);
  }
}
