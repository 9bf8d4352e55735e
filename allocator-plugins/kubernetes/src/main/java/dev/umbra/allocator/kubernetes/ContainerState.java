package dev.umbra.allocator.kubernetes;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.Target.PodContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerResizePolicy;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * One container as the API server reports it: what the spec asks for, what the kubelet has
 * actuated, the resize conditions and the resize policy.
 *
 * @param specRequests {@code spec.containers[].resources.requests} (desired)
 * @param specLimits {@code spec.containers[].resources.limits}
 * @param actualRequests {@code status.containerStatuses[].resources.requests}, what the kubelet
 *     configured; empty when the kubelet does not report it (before 1.33, or not running)
 * @param allocatedRequests {@code status.containerStatuses[].allocatedResources}, what the node
 *     admitted
 * @param restartPolicies resource name to {@code resizePolicy[].restartPolicy}
 * @param pending the {@code PodResizePending} condition, if true
 * @param inProgress the {@code PodResizeInProgress} condition, if true
 * @param legacyResize {@code status.resize} (1.27-1.32: Proposed, InProgress, Deferred, Infeasible), or empty
 * @param qosClass {@code status.qosClass}, or empty
 */
record ContainerState(
    Map<String, BigDecimal> specRequests,
    Map<String, BigDecimal> specLimits,
    Optional<Map<String, BigDecimal>> actualRequests,
    Map<String, BigDecimal> allocatedRequests,
    Map<String, String> restartPolicies,
    Optional<PodCondition> pending,
    Optional<PodCondition> inProgress,
    String legacyResize,
    String qosClass) {

  static final String POD_RESIZE_PENDING = "PodResizePending";
  static final String POD_RESIZE_IN_PROGRESS = "PodResizeInProgress";

  static ContainerState of(Pod pod, PodContainer target) throws AllocatorException {
    List<Container> containers = pod.getSpec() == null ? List.of() : pod.getSpec().getContainers();
    Container container = containers.stream().filter(c -> target.container().equals(c.getName())).findFirst()
        .orElseThrow(() -> new AllocatorException(Reason.INVALID_REQUEST, "pod " + target.namespace() + "/" + target.pod()
            + " has no container '" + target.container() + "'; its containers are "
            + containers.stream().map(Container::getName).collect(Collectors.joining(", "))));
    PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    Optional<ContainerStatus> containerStatus = status.getContainerStatuses().stream()
        .filter(s -> target.container().equals(s.getName())).findFirst();
    Map<String, String> policies = new HashMap<>();
    for (ContainerResizePolicy policy : container.getResizePolicy()) {
      policies.put(policy.getResourceName(), policy.getRestartPolicy());
    }
    return new ContainerState(
        Quantities.numeric(container.getResources() == null ? null : container.getResources().getRequests()),
        Quantities.numeric(container.getResources() == null ? null : container.getResources().getLimits()),
        containerStatus.map(ContainerStatus::getResources).map(r -> Quantities.numeric(r.getRequests())).filter(m -> !m.isEmpty()),
        containerStatus.map(s -> Quantities.numeric(s.getAllocatedResources())).orElse(Map.of()),
        policies,
        condition(status, POD_RESIZE_PENDING, generation(pod)),
        condition(status, POD_RESIZE_IN_PROGRESS, generation(pod)),
        status.getResize() == null ? "" : status.getResize(),
        status.getQosClass() == null ? "" : status.getQosClass());
  }

  /**
   * A true condition of that type that speaks of the current spec. Since 1.33 the kubelet stamps
   * resize conditions with the pod generation it observed; one older than {@code
   * metadata.generation} is about an earlier resize (for example a Deferred left over from the
   * previous request) and is ignored until the kubelet has looked at the new one.
   */
  private static Optional<PodCondition> condition(PodStatus status, String type, Long generation) {
    return status.getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equalsIgnoreCase(c.getStatus()))
        .filter(c -> generation == null || c.getObservedGeneration() == null || c.getObservedGeneration() >= generation)
        .findFirst();
  }

  private static Long generation(Pod pod) {
    return pod.getMetadata() == null ? null : pod.getMetadata().getGeneration();
  }

  /** What the container runs with: the kubelet's report if any, else the spec. */
  Map<String, BigDecimal> effectiveRequests() {
    return actualRequests.orElse(specRequests);
  }

  Allocation effective() {
    return allocation(effectiveRequests());
  }

  static Allocation allocation(Map<String, BigDecimal> requests) {
    BigDecimal cpu = requests.get(Quantities.CPU);
    BigDecimal memory = requests.get(Quantities.MEMORY);
    return new Allocation(
        cpu == null || cpu.signum() <= 0 ? OptionalDouble.empty() : OptionalDouble.of(cpu.doubleValue()),
        memory == null || memory.signum() <= 0 ? OptionalLong.empty() : OptionalLong.of(memory.longValue()),
        OptionalLong.empty());
  }

  String restartPolicy(String resource) {
    return restartPolicies.getOrDefault(resource, "NotRequired");
  }
}
