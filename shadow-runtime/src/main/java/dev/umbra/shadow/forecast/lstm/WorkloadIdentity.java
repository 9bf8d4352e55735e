package dev.umbra.shadow.forecast.lstm;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a workload is, beyond its hash: the main class or jar, the JVM flags and the maximum heap
 * of a run. Two workloads with different hashes (one changed program argument) can still be the
 * same computation; {@link #similarity} says how near they are, so that a new workload starts from
 * the model and history of its nearest neighbour instead of from nothing.
 *
 * @param workload the workload hash (main and normalised arguments, from the agent)
 * @param main the main class or jar, as the agent names it (e.g. {@code app.jar}, {@code org.h2.tools.Server})
 * @param jvmFlags the JVM's input arguments without {@code -javaagent}/{@code -agentpath} options
 * @param maxHeapBytes {@code -Xmx} as the JVM reports it; 0 when unknown
 */
public record WorkloadIdentity(String workload, String main, List<String> jvmFlags, long maxHeapBytes) {
  /** A neighbour below this similarity is not near enough to start from. */
  public static final double NEAR = 0.5;

  public WorkloadIdentity {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(main, "main");
    if (workload.isBlank()) {
      throw new IllegalArgumentException("blank workload in an identity");
    }
    if (maxHeapBytes < 0) {
      throw new IllegalArgumentException("workload " + workload + ": max heap is " + maxHeapBytes);
    }
    jvmFlags = jvmFlags.stream().filter(f -> !f.startsWith("-javaagent:") && !f.startsWith("-agentpath:")).toList();
  }

  /**
   * 1 for the same workload; 0 for another main class or jar (another computation); otherwise
   * 0.5 + 0.25 × the Jaccard similarity of the JVM flags + 0.25 × the ratio of the smaller to the
   * larger max heap (1 when both are unknown): the same program with other arguments is near
   * ({@link #NEAR}), nearer with the same flags and heap.
   */
  public double similarity(WorkloadIdentity other) {
    if (workload.equals(other.workload)) {
      return 1;
    }
    if (main.isBlank() || !main.equals(other.main)) {
      return 0;
    }
    Set<String> union = new HashSet<>(jvmFlags);
    union.addAll(other.jvmFlags);
    Set<String> both = new HashSet<>(jvmFlags);
    both.retainAll(other.jvmFlags);
    double flags = union.isEmpty() ? 1 : (double) both.size() / union.size();
    double heap = maxHeapBytes == 0 && other.maxHeapBytes == 0 ? 1
        : maxHeapBytes == 0 || other.maxHeapBytes == 0 ? 0
        : (double) Math.min(maxHeapBytes, other.maxHeapBytes) / Math.max(maxHeapBytes, other.maxHeapBytes);
    return 0.5 + 0.25 * flags + 0.25 * heap;
  }

  /** How {@code other} relates to this one, for a forecast's selection text. */
  public String describeNearness(WorkloadIdentity other) {
    if (workload.equals(other.workload)) {
      return "the same workload";
    }
    StringBuilder why = new StringBuilder("workload " + other.workload + ": same main " + main + ", other arguments");
    if (!new HashSet<>(jvmFlags).equals(new HashSet<>(other.jvmFlags))) {
      why.append(", other JVM flags");
    }
    if (maxHeapBytes != other.maxHeapBytes) {
      why.append(", max heap ").append(other.maxHeapBytes >> 20).append(" MiB vs ").append(maxHeapBytes >> 20)
          .append(" MiB");
    }
    return why.append(String.format(Locale.ROOT, "; similarity %.2f", similarity(other))).toString();
  }
}
