package dev.umbra.agent.telemetry;

import java.util.List;
import java.util.Objects;

/**
 * Who this primary is and what its JVM is, sent in every Hello.
 *
 * @param primaryId {@code <host>/<pid>/<jvm start ms>}
 */
public record Identity(String primaryId, Workload workload, String host, long pid, long jvmStartUnixMs,
    JvmFacts jvm) {
  public Identity {
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(jvm, "jvm");
  }

  /** Facts about the JVM, read once at start. */
  public record JvmFacts(String javaVersion, String vmVendor, String vmName, List<String> inputArguments,
      String main, List<String> garbageCollectors, long maxHeapBytes, int availableProcessors,
      double containerCpuLimitCores, long containerMemoryLimitBytes, String os) {
    public JvmFacts {
      inputArguments = List.copyOf(inputArguments);
      garbageCollectors = List.copyOf(garbageCollectors);
    }
  }
}
