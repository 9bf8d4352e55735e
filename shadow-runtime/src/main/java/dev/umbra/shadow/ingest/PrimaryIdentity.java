package dev.umbra.shadow.ingest;

import java.util.List;
import java.util.Objects;

/**
 * Who a primary is, from its {@code Hello}: the run ({@code primaryId}), what it computes
 * ({@code workload}) and the facts the shadow needs about its JVM.
 */
public record PrimaryIdentity(
    String primaryId,
    String workload,
    String workloadName,
    String host,
    long pid,
    long jvmStartMillis,
    String agentVersion,
    ReportedCriticality criticality,
    JvmFacts jvm,
    AgentCapabilities capabilities) {

  public PrimaryIdentity {
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(workloadName, "workloadName");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(agentVersion, "agentVersion");
    Objects.requireNonNull(criticality, "criticality");
    Objects.requireNonNull(jvm, "jvm");
    Objects.requireNonNull(capabilities, "capabilities");
  }

  /**
   * The criticality the primary's agent reported in its last {@code Hello}: the sampling preset
   * it runs with. The shadow only records and shows it (API, dashboard); it decides nothing by it.
   * The agent's own {@code dev.umbra.agent.config.Criticality} chooses the preset and the wire's
   * {@code umbra.v1.Criticality} carries it; this one adds {@link #UNKNOWN}, for what was not
   * reported (docs/architecture.md, "One concept, one type per layer").
   */
  public enum ReportedCriticality {
    LOW,
    NORMAL,
    HIGH,
    /**
     * Not reported: a primary known only from the history, whose agent has not connected since
     * this shadow started, or a Hello without a criticality the shadow knows.
     */
    UNKNOWN
  }

  /** The primary's JVM, as its agent reported it. */
  public record JvmFacts(
      String javaVersion,
      String vmVendor,
      String vmName,
      String main,
      List<String> inputArguments,
      List<String> garbageCollectors,
      long maxHeapBytes,
      int availableProcessors,
      double containerCpuLimitCores,
      long containerMemoryLimitBytes,
      String os) {
    public JvmFacts {
      inputArguments = List.copyOf(inputArguments);
      garbageCollectors = List.copyOf(garbageCollectors);
    }
  }

  /** What the agent can do. */
  public record AgentCapabilities(
      boolean jfr,
      boolean ioHooks,
      boolean crac,
      List<String> checkpointEngines,
      List<String> checkpointables,
      List<String> manageableFlags) {
    public AgentCapabilities {
      checkpointEngines = List.copyOf(checkpointEngines);
      checkpointables = List.copyOf(checkpointables);
      manageableFlags = List.copyOf(manageableFlags);
    }
  }
}
