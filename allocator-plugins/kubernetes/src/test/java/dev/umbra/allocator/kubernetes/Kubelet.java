package dev.umbra.allocator.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Plays the kubelet's part of an in-place resize on the mock server, through the pod's status
 * subresource as the real kubelet does (KEP-1287 as of 1.33): actuate (status resources and
 * allocatedResources follow the spec, resize conditions cleared), defer or declare infeasible
 * ({@code PodResizePending} with reason {@code Deferred}/{@code Infeasible}), or report work in
 * progress ({@code PodResizeInProgress}). A scripted stand-in, not a kubelet.
 */
final class Kubelet {

  private final KubernetesClient client;

  Kubelet(KubernetesClient client) {
    this.client = client;
  }

  void actuate(String namespace, String name) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    for (Container container : pod.getSpec().getContainers()) {
      ContainerStatus status = status(pod, container.getName());
      ResourceRequirements resources = container.getResources();
      status.setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
          .withLimits(new HashMap<>(resources.getLimits())).withRequests(new HashMap<>(resources.getRequests())).build());
      status.setAllocatedResources(new HashMap<>(resources.getRequests()));
    }
    setConditions(pod, List.of());
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  /** Admits the resize (allocatedResources follow the spec) without having applied it yet, and without a condition. */
  void admit(String namespace, String name) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    for (Container container : pod.getSpec().getContainers()) {
      status(pod, container.getName()).setAllocatedResources(new HashMap<>(container.getResources().getRequests()));
    }
    setConditions(pod, List.of());
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  void pend(String namespace, String name, String reason, String message) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    setConditions(pod, List.of(condition("PodResizePending", reason, message, pod.getMetadata().getGeneration())));
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  void inProgress(String namespace, String name) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    for (Container container : pod.getSpec().getContainers()) {
      status(pod, container.getName()).setAllocatedResources(new HashMap<>(container.getResources().getRequests()));
    }
    setConditions(pod, List.of(condition("PodResizeInProgress", null, null, pod.getMetadata().getGeneration())));
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  private static ContainerStatus status(Pod pod, String container) {
    return pod.getStatus().getContainerStatuses().stream().filter(s -> s.getName().equals(container)).findFirst().orElseThrow();
  }

  private static void setConditions(Pod pod, List<PodCondition> resize) {
    List<PodCondition> conditions = new ArrayList<>(pod.getStatus().getConditions());
    conditions.removeIf(c -> c.getType().startsWith("PodResize"));
    conditions.addAll(resize);
    pod.getStatus().setConditions(conditions);
  }

  /** Stamped with the generation the kubelet looked at, as 1.33+ kubelets do. */
  private static PodCondition condition(String type, String reason, String message, Long observedGeneration) {
    return new PodConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
        .withObservedGeneration(observedGeneration)
        .withLastTransitionTime("2026-11-28T00:00:00Z").build();
  }
}
