package dev.umbra.allocator.kubernetes;

import static dev.umbra.allocator.Allocation.formatBytes;
import static dev.umbra.allocator.Allocation.formatCores;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ApplyResult.Status;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import dev.umbra.allocator.Target.PodContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Resizes a pod's container in place through {@code pods/resize}, or only recommends. CPU and
 * memory only: Kubernetes has no resource for disk bandwidth, so {@link ResourceKind#DISK_READ}
 * and {@link ResourceKind#DISK_WRITE} are refused with the reason.
 */
final class PodResizeAllocator implements Allocator {

  private static final Set<ResourceKind> SUPPORTS = Set.copyOf(EnumSet.of(ResourceKind.CPU, ResourceKind.MEMORY));

  /** Settings of one allocator. */
  record Settings(boolean recommendOnly, boolean allowRestart, double minCpuCores, long minMemoryBytes, Duration requestTimeout) {}

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final PodApi api;
  private final Settings settings;

  PodResizeAllocator(KubernetesClient client, boolean ownsClient, Settings settings) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.settings = settings;
    this.api = new PodApi(client, settings.requestTimeout());
  }

  @Override
  public Set<ResourceKind> supports() {
    return SUPPORTS;
  }

  @Override
  public Allocation current(Target target) throws AllocatorException {
    PodContainer pod = pod(target);
    return ContainerState.of(api.get(pod), pod).effective();
  }

  @Override
  public ApplyResult apply(Target target, Allocation desired) throws AllocatorException {
    check(desired);
    PodContainer pod = pod(target);
    ContainerState state = ContainerState.of(api.get(pod), pod);
    ResizePlan plan = ResizePlan.of(pod.container(), state, desired);
    String where = PodApi.describe(pod);
    if (plan.isEmpty()) {
      // The spec already asks for this: report how far the kubelet got, without patching again.
      return outcome(state, plan.targetRequests(), false, where + " already requests " + desired);
    }
    if ("BestEffort".equals(state.qosClass())) {
      throw new AllocatorException(Reason.INVALID_REQUEST, where + " is in a BestEffort pod: adding requests would change its QoS "
          + "class, which in-place resize does not allow; nothing applied");
    }
    String restart = plan.restarts().isEmpty() ? ""
        : "; the container will be restarted (resizePolicy RestartContainer for " + String.join(", ", plan.restarts()) + ")";
    if (settings.recommendOnly()) {
      return new ApplyResult(Status.RECOMMENDED_ONLY, state.effective(),
          "recommend only, nothing applied: would patch pods/resize of " + where + ": " + String.join("; ", plan.changes()) + restart);
    }
    if (!plan.restarts().isEmpty() && !settings.allowRestart()) {
      throw new AllocatorException(Reason.REJECTED, "resizing " + where + " (" + String.join("; ", plan.changes())
          + ") would restart the container: its resizePolicy is RestartContainer for " + String.join(", ", plan.restarts())
          + "; nothing applied (set allowRestart=true to allow it)");
    }
    Pod patched = api.patchResize(pod, plan.patchJson());
    return outcome(ContainerState.of(patched, pod), plan.targetRequests(), true,
        "patched pods/resize of " + where + ": " + String.join("; ", plan.changes()) + restart);
  }

  /** Reads the kubelet's answer: conditions first (1.33+), then the pre-1.33 status.resize field, then the actual resources. */
  static ApplyResult outcome(ContainerState state, Map<String, BigDecimal> wanted, boolean patched, String done) {
    Allocation inEffect = state.effective();
    if (state.pending().isPresent()) {
      PodCondition pending = state.pending().get();
      String why = " (" + pending.getReason() + ": " + (pending.getMessage() == null ? "no message" : pending.getMessage()) + ")";
      if ("Infeasible".equals(pending.getReason())) {
        return new ApplyResult(Status.INFEASIBLE, inEffect, done + "; the node can never fit it" + why);
      }
      return new ApplyResult(Status.DEFERRED, inEffect, done + "; the node cannot fit it now, the kubelet will retry" + why);
    }
    if (state.inProgress().isPresent()) {
      PodCondition progress = state.inProgress().get();
      String error = "Error".equals(progress.getReason()) ? "; the kubelet reports an error: " + progress.getMessage() : "";
      return new ApplyResult(Status.PENDING, inEffect, done + "; the kubelet is resizing" + error);
    }
    switch (state.legacyResize()) {
      case "Infeasible" -> {
        return new ApplyResult(Status.INFEASIBLE, inEffect, done + "; status.resize is Infeasible");
      }
      case "Deferred" -> {
        return new ApplyResult(Status.DEFERRED, inEffect, done + "; status.resize is Deferred");
      }
      case "Proposed", "InProgress" -> {
        return new ApplyResult(Status.PENDING, inEffect, done + "; status.resize is " + state.legacyResize());
      }
      default -> { }
    }
    if (state.actualRequests().isPresent() && matches(state.actualRequests().get(), wanted)) {
      return new ApplyResult(patched ? Status.APPLIED : Status.UNCHANGED, inEffect, done + "; in effect");
    }
    String stage = matches(state.allocatedRequests(), wanted)
        ? "; the node admitted it (allocatedResources), the kubelet has not reported it in effect yet"
        : "; accepted by the API server, the kubelet has not admitted it yet";
    return new ApplyResult(Status.PENDING, inEffect, done + stage + " (in effect: " + inEffect + ")");
  }

  private static boolean matches(Map<String, BigDecimal> actual, Map<String, BigDecimal> wanted) {
    for (Map.Entry<String, BigDecimal> entry : wanted.entrySet()) {
      if (!Quantities.same(actual.get(entry.getKey()), entry.getValue())) {
        return false;
      }
    }
    return true;
  }

  private void check(Allocation desired) throws AllocatorException {
    if (desired.diskReadBytesPerSecond().isPresent() || desired.diskWriteBytesPerSecond().isPresent()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "the kubernetes allocator cannot limit disk bandwidth: "
          + "Kubernetes has no pod or container resource for it that pods/resize could change (a container's resources "
          + "are cpu, memory, hugepages-* and ephemeral-storage, which is space, not bandwidth); nothing applied: " + desired);
    }
    if (desired.heapBytes().isPresent()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "the kubernetes allocator sets cpu and memory, not the JVM heap (use the jvm allocator): " + desired);
    }
    if (desired.isEmpty()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "nothing to apply: the desired allocation is empty");
    }
    if (desired.cpuCores().isPresent() && desired.cpuCores().getAsDouble() < settings.minCpuCores()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "cpu " + formatCores(desired.cpuCores().getAsDouble())
          + " cores is below the minimum of " + formatCores(settings.minCpuCores()) + " (setting minCpu); nothing applied");
    }
    if (desired.memoryBytes().isPresent() && desired.memoryBytes().getAsLong() < settings.minMemoryBytes()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "memory " + formatBytes(desired.memoryBytes().getAsLong())
          + " is below the minimum of " + formatBytes(settings.minMemoryBytes()) + " (setting minMemory); nothing applied");
    }
  }

  private static PodContainer pod(Target target) throws AllocatorException {
    return target.pod().orElseThrow(() -> new AllocatorException(Reason.INVALID_REQUEST,
        "target " + target.primaryId() + " names no pod; the kubernetes allocator needs namespace, pod and container"));
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }
}
