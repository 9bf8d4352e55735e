package dev.umbra.allocator.jvm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the agent did with an {@code ApplyJvmSettings} command.
 *
 * <p>On the wire it travels in {@code CommandResult.details}, one entry per flag: {@code
 * applied.<Flag>} to the value now in force, {@code rejected.<Flag>} to the JVM's reason, and
 * {@code gc_requested} to {@code true} or {@code false}. {@link #toCommandDetails()} and {@link
 * #fromCommandDetails(Map)} are the two ends of that convention, for the agent and the shadow.
 *
 * @param applied flags the JVM accepted, name to value now in force
 * @param rejected flags the JVM refused, name to its reason (for example {@code
 *     "SoftMaxHeapSize must be less than or equal to the maximum heap size"})
 * @param gcRequested whether a GC was requested after setting them
 */
public record FlagResult(Map<String, String> applied, Map<String, String> rejected, boolean gcRequested) {

  private static final String APPLIED = "applied.";
  private static final String REJECTED = "rejected.";
  private static final String GC_REQUESTED = "gc_requested";

  /**
   * Copies the maps.
   *
   * @param applied see the record component
   * @param rejected see the record component
   * @param gcRequested see the record component
   */
  public FlagResult {
    applied = Map.copyOf(applied);
    rejected = Map.copyOf(rejected);
  }

  /**
   * Reads a result from {@code CommandResult.details}; keys outside the convention are ignored.
   *
   * @param details the command result's details
   * @return the result
   */
  public static FlagResult fromCommandDetails(Map<String, String> details) {
    Map<String, String> applied = new LinkedHashMap<>();
    Map<String, String> rejected = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : details.entrySet()) {
      if (entry.getKey().startsWith(APPLIED) && entry.getKey().length() > APPLIED.length()) {
        applied.put(entry.getKey().substring(APPLIED.length()), entry.getValue());
      } else if (entry.getKey().startsWith(REJECTED) && entry.getKey().length() > REJECTED.length()) {
        rejected.put(entry.getKey().substring(REJECTED.length()), entry.getValue());
      }
    }
    return new FlagResult(applied, rejected, "true".equals(details.get(GC_REQUESTED)));
  }

  /**
   * Writes this result as {@code CommandResult.details}.
   *
   * @return a new map following the convention above
   */
  public Map<String, String> toCommandDetails() {
    Map<String, String> details = new LinkedHashMap<>();
    applied.forEach((flag, value) -> details.put(APPLIED + flag, value));
    rejected.forEach((flag, reason) -> details.put(REJECTED + flag, reason));
    details.put(GC_REQUESTED, Boolean.toString(gcRequested));
    return details;
  }
}
