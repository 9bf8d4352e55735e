package dev.umbra.allocator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.Allocators;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ApplyResult.Status;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerResizePolicyBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The kubernetes allocator against fabric8's mock API server (CRUD mode) with {@link
 * ResizeDispatcher} routing {@code pods/resize}, which fabric8 8.0.0's CRUD mode does not, and
 * {@link Kubelet} playing the kubelet. It shows the requests we send and how we read the answers;
 * it is not a real cluster.
 */
class KubernetesAllocatorTest {

  private static final String NS = "prod";
  private static final String POD = "app-0";
  private static final Target TARGET = Target.primary("host-1-1700000000").withPod(NS, POD, "app");

  private ResizeDispatcher dispatcher;
  private KubernetesMockServer server;
  private KubernetesClient client;
  private Kubelet kubelet;

  @BeforeEach
  void startServer() {
    dispatcher = new ResizeDispatcher();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(java.net.InetAddress.getLoopbackAddress(), 0); // no host-name lookup
    client = server.createClient();
    kubelet = new Kubelet(client);
  }

  @AfterEach
  void stopServer() {
    client.close();
    server.destroy();
  }

  private Allocator open(Map<String, String> settings) throws AllocatorException {
    return Allocators.load("kubernetes", AllocatorContext.of(settings).withService(KubernetesClient.class, client),
        getClass().getClassLoader());
  }

  /** A running Burstable pod: app requests 500m/256Mi with limits 1/512Mi, plus a sidecar. */
  private Pod createPod(String qos, ContainerResizePolicyBuilder... policies) {
    Map<String, Quantity> requests = Map.of("cpu", new Quantity("500m"), "memory", new Quantity("256Mi"));
    Map<String, Quantity> limits = qos.equals("Guaranteed") ? requests : Map.of("cpu", new Quantity("1"), "memory", new Quantity("512Mi"));
    ContainerBuilder app = new ContainerBuilder().withName("app").withImage("eclipse-temurin:21")
        .withResources(new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build());
    for (ContainerResizePolicyBuilder policy : policies) {
      app.addToResizePolicy(policy.build());
    }
    Map<String, Quantity> sidecar = Map.of("cpu", new Quantity("100m"), "memory", new Quantity("64Mi"));
    Pod pod = new PodBuilder().withNewMetadata().withName(POD).withNamespace(NS).endMetadata()
        .withNewSpec().addToContainers(app.build())
        .addToContainers(new ContainerBuilder().withName("sidecar").withImage("envoy")
            .withResources(new ResourceRequirementsBuilder().withRequests(sidecar).withLimits(sidecar).build()).build())
        .endSpec().build();
    Pod created = client.pods().inNamespace(NS).resource(pod).create();
    created.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").withQosClass(qos)
        .addToContainerStatuses(new ContainerStatusBuilder().withName("app").withReady(true)
            .withResources(new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build())
            .withAllocatedResources(requests).build())
        .addToContainerStatuses(new ContainerStatusBuilder().withName("sidecar").withReady(true)
            .withResources(new ResourceRequirementsBuilder().withRequests(sidecar).withLimits(sidecar).build()).build())
        .build());
    return client.pods().inNamespace(NS).resource(created).updateStatus();
  }

  private Pod stored() {
    return client.pods().inNamespace(NS).withName(POD).get();
  }

  private static String request(Pod pod, String container, String resource) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(container)).findFirst().orElseThrow()
        .getResources().getRequests().get(resource).toString();
  }

  private static String limit(Pod pod, String container, String resource) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(container)).findFirst().orElseThrow()
        .getResources().getLimits().get(resource).toString();
  }

  @Test
  void crudModeAloneDoesNotRouteResize() throws Exception {
    // Why ResizeDispatcher exists: with fabric8 8.0.0's CRUD dispatcher alone, a PATCH to
    // pods/resize does not resize the pod. If this starts failing, fabric8 learned the route and
    // the custom dispatcher can go.
    KubernetesMockServer crudOnly = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    crudOnly.init(java.net.InetAddress.getLoopbackAddress(), 0);
    try {
      try (KubernetesClient crudClient = crudOnly.createClient()) {
        crudClient.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(POD).endMetadata()
            .withNewSpec().addNewContainer().withName("app").withNewResources().addToRequests("cpu", new Quantity("500m"))
            .endResources().endContainer().endSpec().build()).create();
        Allocator allocator = Allocators.load("kubernetes",
            AllocatorContext.of(Map.of()).withService(KubernetesClient.class, crudClient), getClass().getClassLoader());

        ApplyResult result = null;
        try {
          result = allocator.apply(TARGET, Allocation.cpu(1));
        } catch (AllocatorException e) {
          // a 404/405 from the CRUD dispatcher is one way of not routing it
        }

        assertThat(request(crudClient.pods().inNamespace(NS).withName(POD).get(), "app", "cpu")).isEqualTo("500m");
        assertThat(result == null || !result.tookEffect()).isTrue();
      }
    } finally {
      crudOnly.destroy();
    }
  }

  @Nested
  class Resizing {

    @Test
    void patchesTheResizeSubresource_withAStrategicMergePatch_scalingLimitsInProportion() throws AllocatorException {
      createPod("Burstable");

      ApplyResult result = open(Map.of()).apply(TARGET, Allocation.of(1, 512L << 20));

      assertThat(dispatcher.resizes).hasSize(1);
      assertThat(dispatcher.resizes.get(0).contentType()).startsWith("application/strategic-merge-patch+json");
      assertThat(dispatcher.resizes.get(0).body()).isEqualTo("{\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{"
          + "\"requests\":{\"cpu\":\"1\",\"memory\":\"536870912\"},\"limits\":{\"cpu\":\"2\",\"memory\":\"1073741824\"}}}]}}");
      Pod pod = stored();
      assertThat(request(pod, "app", "cpu")).isEqualTo("1");
      assertThat(limit(pod, "app", "memory")).isEqualTo("1073741824");
      assertThat(request(pod, "sidecar", "cpu")).as("other containers untouched").isEqualTo("100m");
      assertThat(result.status()).isEqualTo(Status.PENDING);
      assertThat(result.inEffect()).as("still what the kubelet reports").isEqualTo(Allocation.of(0.5, 256L << 20));
      assertThat(result.reason()).contains("cpu request 500m -> 1 (limit 1 -> 2)", "memory request 256MiB -> 512MiB (limit 512MiB -> 1GiB)");
    }

    @Test
    void reportsApplied_onceTheKubeletReportsTheNewResources_withoutPatchingAgain() throws AllocatorException {
      createPod("Burstable");
      Allocator allocator = open(Map.of());
      allocator.apply(TARGET, Allocation.of(1, 512L << 20));
      assertThat(allocator.current(TARGET)).as("before the kubelet acts").isEqualTo(Allocation.of(0.5, 256L << 20));

      kubelet.actuate(NS, POD);
      ApplyResult again = allocator.apply(TARGET, Allocation.of(1, 512L << 20));

      assertThat(again.status()).isEqualTo(Status.UNCHANGED);
      assertThat(again.tookEffect()).isTrue();
      assertThat(allocator.current(TARGET)).isEqualTo(Allocation.of(1, 512L << 20));
      assertThat(dispatcher.resizes).hasSize(1);
    }

    @Test
    void keepsAGuaranteedPodGuaranteed() throws AllocatorException {
      createPod("Guaranteed");

      open(Map.of()).apply(TARGET, Allocation.of(0.75, 300L << 20));

      Pod pod = stored();
      assertThat(request(pod, "app", "cpu")).isEqualTo("750m");
      assertThat(limit(pod, "app", "cpu")).isEqualTo("750m");
      assertThat(limit(pod, "app", "memory")).isEqualTo(Long.toString(300L << 20));
    }

    @Test
    void roundsCpuToMillicores() throws AllocatorException {
      createPod("Burstable");

      open(Map.of()).apply(TARGET, Allocation.cpu(0.3333));

      assertThat(request(stored(), "app", "cpu")).isEqualTo("333m");
    }
  }

  @Nested
  class WhatTheKubeletSays {

    @Test
    void deferredIsReportedAsDeferred_withTheKubeletsMessage() throws AllocatorException {
      createPod("Burstable");
      Allocator allocator = open(Map.of());
      allocator.apply(TARGET, Allocation.cpu(1.5));
      kubelet.pend(NS, POD, "Deferred", "Node didn't have enough resource: cpu, requested: 1600, capacity: 1000");

      ApplyResult result = allocator.apply(TARGET, Allocation.cpu(1.5));

      assertThat(result.status()).isEqualTo(Status.DEFERRED);
      assertThat(result.reason()).contains("Deferred: Node didn't have enough resource: cpu");
      assertThat(result.inEffect().cpuCores()).hasValue(0.5);
      assertThat(dispatcher.resizes).hasSize(1);
    }

    @Test
    void aDeferralOfTheEarlierRequest_doesNotAnswerTheNewOne() throws AllocatorException {
      createPod("Burstable");
      Allocator allocator = open(Map.of());
      allocator.apply(TARGET, Allocation.cpu(4));
      kubelet.pend(NS, POD, "Deferred", "Node didn't have enough resource: cpu");

      ApplyResult smaller = allocator.apply(TARGET, Allocation.cpu(0.75));

      assertThat(smaller.status()).as("the kubelet has not looked at 750m yet").isEqualTo(Status.PENDING);
      assertThat(dispatcher.resizes).hasSize(2);
    }

    @Test
    void infeasibleIsReportedAsInfeasible() throws AllocatorException {
      createPod("Burstable");
      Allocator allocator = open(Map.of());
      allocator.apply(TARGET, Allocation.memory(64L << 30));
      kubelet.pend(NS, POD, "Infeasible", "Node didn't have enough capacity: memory, requested: 68719476736, capacity: 8589934592");

      ApplyResult result = allocator.apply(TARGET, Allocation.memory(64L << 30));

      assertThat(result.status()).isEqualTo(Status.INFEASIBLE);
      assertThat(result.tookEffect()).isFalse();
      assertThat(result.reason()).contains("the node can never fit it", "capacity: 8589934592");
    }

    @Test
    void saysHowFarTheKubeletGot_beforeItReportsTheResize() throws AllocatorException {
      createPod("Burstable");
      Allocator allocator = open(Map.of());

      ApplyResult patched = allocator.apply(TARGET, Allocation.cpu(1));
      kubelet.admit(NS, POD);
      ApplyResult admitted = allocator.apply(TARGET, Allocation.cpu(1));

      assertThat(patched.reason()).contains("accepted by the API server, the kubelet has not admitted it yet");
      assertThat(admitted.status()).isEqualTo(Status.PENDING);
      assertThat(admitted.reason()).contains("the node admitted it (allocatedResources)");
    }

    @Test
    void inProgressIsPending() throws AllocatorException {
      createPod("Burstable");
      Allocator allocator = open(Map.of());
      allocator.apply(TARGET, Allocation.cpu(1));
      kubelet.inProgress(NS, POD);

      assertThat(allocator.apply(TARGET, Allocation.cpu(1)).status()).isEqualTo(Status.PENDING);
    }
  }

  @Nested
  class ResizePolicy {

    @Test
    void refusesAResizeThatWouldRestartTheContainer_byDefault() throws AllocatorException {
      createPod("Burstable", new ContainerResizePolicyBuilder().withResourceName("memory").withRestartPolicy("RestartContainer"));

      assertThatThrownBy(() -> open(Map.of()).apply(TARGET, Allocation.memory(384L << 20)))
          .hasMessageContaining("would restart the container: its resizePolicy is RestartContainer for memory")
          .hasMessageContaining("allowRestart=true")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.REJECTED);
      assertThat(dispatcher.resizes).isEmpty();
    }

    @Test
    void resizesAndSaysTheContainerWillRestart_whenAllowed() throws AllocatorException {
      createPod("Burstable", new ContainerResizePolicyBuilder().withResourceName("memory").withRestartPolicy("RestartContainer"));

      ApplyResult result = open(Map.of("allowRestart", "true")).apply(TARGET, Allocation.memory(384L << 20));

      assertThat(result.reason()).contains("the container will be restarted (resizePolicy RestartContainer for memory)");
      assertThat(dispatcher.resizes).hasSize(1);
    }

    @Test
    void doesNotWarn_whenOnlyANotRequiredResourceChanges() throws AllocatorException {
      createPod("Burstable", new ContainerResizePolicyBuilder().withResourceName("memory").withRestartPolicy("RestartContainer"),
          new ContainerResizePolicyBuilder().withResourceName("cpu").withRestartPolicy("NotRequired"));

      ApplyResult result = open(Map.of()).apply(TARGET, Allocation.cpu(2));

      assertThat(result.reason()).doesNotContain("restart");
    }
  }

  @Test
  void recommendModeSaysWhatItWouldDo_andPatchesNothing() throws AllocatorException {
    createPod("Burstable");

    ApplyResult result = open(Map.of("mode", "recommend")).apply(TARGET, Allocation.of(1, 512L << 20));

    assertThat(result.status()).isEqualTo(Status.RECOMMENDED_ONLY);
    assertThat(result.reason()).startsWith("recommend only, nothing applied: would patch pods/resize of prod/app-0 container app: cpu request 500m -> 1");
    assertThat(result.inEffect()).isEqualTo(Allocation.of(0.5, 256L << 20));
    assertThat(dispatcher.resizes).isEmpty();
    assertThat(request(stored(), "app", "cpu")).isEqualTo("500m");
  }

  @Nested
  class Refusals {

    @Test
    void deniedByRbac_namesTheVerbAndResourceToGrant() throws AllocatorException {
      createPod("Burstable");
      dispatcher.denied.add("patch pods/resize");

      assertThatThrownBy(() -> open(Map.of()).apply(TARGET, Allocation.cpu(1)))
          .hasMessageContaining("forbidden: the service account may not patch pods/resize in namespace prod")
          .hasMessageContaining("grant verb 'patch' on resource 'pods/resize' (see deploy/kubernetes/rbac-pods-resize.yaml)")
          .hasMessageContaining("cannot patch resource \"pods/resize\"")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.FORBIDDEN);
      assertThat(request(stored(), "app", "cpu")).isEqualTo("500m");
    }

    @Test
    void deniedReadingThePod_namesGetPods() throws AllocatorException {
      createPod("Burstable");
      dispatcher.denied.add("get pods");

      assertThatThrownBy(() -> open(Map.of()).current(TARGET))
          .hasMessageContaining("may not get pods in namespace prod; grant verb 'get' on resource 'pods'")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.FORBIDDEN);
    }

    @Test
    void anApiServerWithoutResize_saysItNeeds133() throws AllocatorException {
      createPod("Burstable");
      dispatcher.servesResize = false;

      assertThatThrownBy(() -> open(Map.of()).apply(TARGET, Allocation.cpu(1)))
          .hasMessageContaining("does not serve pods/resize (in-place resize needs Kubernetes 1.33 or newer")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.UNAVAILABLE_HERE);
    }

    @Test
    void anUnreachableApiServer_isAClearErrorAndNothingIsApplied() throws Exception {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort(); // closed again: nothing listens there
      }
      try (Allocator allocator = Allocators.load("kubernetes",
          AllocatorContext.of(Map.of("masterUrl", "http://127.0.0.1:" + port, "requestTimeout", "2s")), getClass().getClassLoader())) {

        assertThatThrownBy(() -> allocator.apply(TARGET, Allocation.cpu(1)))
            .hasMessageContaining("the API server http://127.0.0.1:" + port + "/ is unreachable, nothing read")
            .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.UNREACHABLE);
      }
    }

    @Test
    void aVanishedPod_isTargetGone() {
      assertThatThrownBy(() -> open(Map.of()).apply(TARGET, Allocation.cpu(1)))
          .hasMessage("pod prod/app-0 not found")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.TARGET_GONE);
    }

    @Test
    void anUnknownContainer_listsTheContainers() {
      createPod("Burstable");

      assertThatThrownBy(() -> open(Map.of()).apply(Target.primary("p").withPod(NS, POD, "web"), Allocation.cpu(1)))
          .hasMessage("pod prod/app-0 has no container 'web'; its containers are app, sidecar");
    }

    @Test
    void limitsBelowTheMinimums_orHeap_areRefusedBeforeAnyRequest() {
      createPod("Burstable");

      assertThatThrownBy(() -> open(Map.of()).apply(TARGET, Allocation.cpu(0.001)))
          .hasMessageContaining("cpu 0.001 cores is below the minimum of 0.01 (setting minCpu); nothing applied");
      assertThatThrownBy(() -> open(Map.of("minMemory", "64m")).apply(TARGET, Allocation.memory(32L << 20)))
          .hasMessageContaining("memory 32MiB is below the minimum of 64MiB");
      assertThatThrownBy(() -> open(Map.of()).apply(TARGET, Allocation.heap(1L << 30))).hasMessageContaining("not the JVM heap");
      assertThatThrownBy(() -> open(Map.of()).apply(Target.primary("p"), Allocation.cpu(1))).hasMessageContaining("names no pod");
      assertThat(dispatcher.resizes).isEmpty();
    }

    @Test
    void diskBandwidth_isUnsupported_withTheReason_beforeAnyRequest() throws AllocatorException {
      createPod("Burstable");
      Allocator allocator = open(Map.of());

      assertThat(allocator.supports()).containsExactlyInAnyOrder(ResourceKind.CPU, ResourceKind.MEMORY);
      assertThatThrownBy(() -> allocator.apply(TARGET, Allocation.diskRead(10L << 20)))
          .hasMessageContaining("the kubernetes allocator cannot limit disk bandwidth: Kubernetes has no pod or container "
              + "resource for it")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.INVALID_REQUEST);
      assertThatThrownBy(() -> allocator.apply(TARGET, Allocation.cpu(1).withDiskWriteBytesPerSecond(10L << 20)))
          .hasMessageContaining("nothing applied");
      assertThat(dispatcher.resizes).isEmpty();
    }

    @Test
    void aBestEffortPodCannotGainRequests() {
      Pod pod = client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(POD).endMetadata()
          .withNewSpec().addNewContainer().withName("app").endContainer().endSpec().build()).create();
      pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withQosClass("BestEffort").build());
      client.pods().inNamespace(NS).resource(pod).updateStatus();

      assertThatThrownBy(() -> open(Map.of()).apply(TARGET, Allocation.cpu(1))).hasMessageContaining("BestEffort pod");
      assertThat(dispatcher.resizes).isEmpty();
    }

    @Test
    void aBadSettingIsRefused_namingKeyAndValue() {
      assertThatThrownBy(() -> open(Map.of("mode", "apply"))).hasMessage("setting mode='apply' is not resize or recommend");
    }
  }
}
