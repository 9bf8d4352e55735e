package dev.umbra.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under {@code deploy/kubernetes/} against the Kubernetes API model, offline (no
 * cluster was available; none was applied), and the wiring a cluster would only show at run
 * time: selectors, volumes, named ports, the agent copied by an init container to where the
 * {@code -javaagent} flag looks, RBAC that grants exactly {@code pods/resize}.
 */
class KubernetesManifestsTest {
  private static final Path DIR = Path.of(System.getProperty("basedir", ".")).resolve("../deploy/kubernetes").normalize();
  private static final Pattern JAVAAGENT = Pattern.compile("-javaagent:(\\S+?\\.jar)");
  private static final Pattern CP = Pattern.compile("cp (\\S+) (\\S+)");
  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  static List<HasMetadata> load(String file) throws IOException {
    return KubernetesManifests.parse(Files.readString(DIR.resolve(file)), file);
  }

  static <T> List<T> ofType(List<HasMetadata> all, Class<T> type) {
    return all.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void everyManifest_parsesStrictly() throws IOException {
    List<String> files;
    try (Stream<Path> list = Files.list(DIR)) {
      files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).contains("daemonset-primary.yaml", "daemonset.yaml", "rbac-pods-resize.yaml", "sidecar.yaml");
    for (String file : files) {
      assertThat(load(file)).as(file).isNotEmpty();
    }
  }

  @Nested
  class TheChecker {
    @Test
    void refusesAnUnknownField() {
      String yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
          + "    - {name: a, image: x, resizePolicys: []}\n";
      assertThatThrownBy(() -> KubernetesManifests.parse(yaml, "t.yaml"))
          .hasMessageContaining("unknown field(s) [resizePolicys]").hasMessageContaining("containers[0]");
    }

    @Test
    void refusesAValueOfTheWrongType() {
      String yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: [1, 2]}\n";
      assertThatThrownBy(() -> KubernetesManifests.parse(yaml, "t.yaml")).hasMessageContaining("t.yaml document 1");
    }

    @Test
    void refusesAnUnknownKind_andABadQuantity() {
      assertThatThrownBy(() -> KubernetesManifests.parse("apiVersion: v1\nkind: Pood\nmetadata: {name: p}\n", "t.yaml"))
          .hasMessageContaining("not a kind");
      String yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
          + "    - name: a\n      image: x\n      resources: {limits: {memory: 1Gx}}\n";
      assertThatThrownBy(() -> KubernetesManifests.parse(yaml, "t.yaml")).hasMessageContaining("not a quantity");
    }
  }

  @Nested
  class TheSidecar {
    @Test
    void copiesTheAgentWhereTheAppLoadsIt_andRunsTheShadowAsANativeSidecar() throws IOException {
      Deployment d = ofType(load("sidecar.yaml"), Deployment.class).get(0);
      PodSpec pod = checkTemplate(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate());
      Container app = container(pod.getContainers(), "app");
      assertAgentFromInitContainer(pod, app);
      assertThat(env(app, "JAVA_TOOL_OPTIONS")).contains("shadow=127.0.0.1:7070");
      Container shadow = container(pod.getInitContainers(), "umbra-shadow");
      assertThat(shadow.getRestartPolicy()).isEqualTo("Always");
      assertThat(shadow.getArgs()).containsSubsequence("--port", "7070");
      assertThat(shadow.getResources().getLimits()).containsKeys("cpu", "memory");
      assertThat(pod.getServiceAccountName()).isEqualTo("umbra-shadow");
      assertResizable(app);
    }

    @Test
    void hasRbacForPodsResize_only() throws IOException {
      List<HasMetadata> rbac = load("rbac-pods-resize.yaml");
      Role role = ofType(rbac, Role.class).get(0);
      assertResizeRules(role.getRules());
      RoleBinding binding = ofType(rbac, RoleBinding.class).get(0);
      assertBinds(binding.getRoleRef(), "Role", role.getMetadata().getName());
      assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
        assertThat(s.getKind()).isEqualTo("ServiceAccount");
        assertThat(s.getName()).isEqualTo("umbra-shadow");
      });
    }
  }

  @Nested
  class TheDaemonSet {
    @Test
    void runsOneShadowPerNode_withTlsAndAToken_andANodeLocalService() throws IOException {
      List<HasMetadata> all = load("daemonset.yaml");
      DaemonSet ds = ofType(all, DaemonSet.class).get(0);
      PodSpec pod = checkTemplate(ds.getSpec().getSelector().getMatchLabels(), ds.getSpec().getTemplate());
      Container shadow = container(pod.getContainers(), "umbra-shadow");
      assertThat(shadow.getArgs()).containsSubsequence("--host", "0.0.0.0");
      // beyond loopback the shadow refuses to start without TLS and a token
      assertThat(env(shadow, "UMBRA_TLS_CERT")).startsWith("/etc/umbra/tls/");
      assertThat(env(shadow, "UMBRA_TLS_KEY")).startsWith("/etc/umbra/tls/");
      assertThat(shadow.getEnv()).anySatisfy(e -> {
        assertThat(e.getName()).isEqualTo("UMBRA_TOKEN");
        assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("umbra-token");
      });
      assertThat(mountedVolume(pod, shadow, "/etc/umbra/tls").getSecret().getSecretName()).isEqualTo("umbra-shadow-tls");
      assertThat(mountedVolume(pod, shadow, "/var/lib/umbra").getHostPath().getPath()).isEqualTo("/var/lib/umbra");
      assertThat(pod.getTolerations()).anySatisfy(t -> assertThat(t.getOperator()).isEqualTo("Exists"));

      Service service = ofType(all, Service.class).get(0);
      assertThat(service.getSpec().getInternalTrafficPolicy()).isEqualTo("Local");
      assertThat(ds.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
      Set<String> portNames = new HashSet<>();
      shadow.getPorts().forEach(p -> portNames.add(p.getName()));
      for (ServicePort p : service.getSpec().getPorts()) {
        assertThat(portNames).as("service port %s targets a named container port", p.getName())
            .contains(p.getTargetPort().getStrVal());
      }

      ClusterRole role = ofType(all, ClusterRole.class).get(0);
      assertResizeRules(role.getRules());
      ClusterRoleBinding binding = ofType(all, ClusterRoleBinding.class).get(0);
      assertBinds(binding.getRoleRef(), "ClusterRole", role.getMetadata().getName());
      assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
        assertThat(s.getName()).isEqualTo(pod.getServiceAccountName());
        assertThat(s.getNamespace()).isEqualTo(ds.getMetadata().getNamespace());
      });
    }

    @Test
    void primariesReachTheShadowOfTheirNode_throughTheService() throws IOException {
      Service service = ofType(load("daemonset.yaml"), Service.class).get(0);
      Deployment d = ofType(load("daemonset-primary.yaml"), Deployment.class).get(0);
      PodSpec pod = checkTemplate(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate());
      Container app = container(pod.getContainers(), "app");
      assertAgentFromInitContainer(pod, app);
      int grpc = service.getSpec().getPorts().stream().filter(p -> p.getName().equals("grpc")).findFirst().orElseThrow().getPort();
      assertThat(env(app, "UMBRA_SHADOW"))
          .isEqualTo(service.getMetadata().getName() + "." + service.getMetadata().getNamespace() + ".svc:" + grpc);
      assertThat(env(app, "UMBRA_TLS")).isEqualTo("true");
      assertThat(mountedVolume(pod, app, "/etc/umbra/ca").getConfigMap().getName()).isEqualTo("umbra-ca");
      assertThat(env(app, "UMBRA_TLS_CA")).startsWith("/etc/umbra/ca/");
      assertThat(env(app, "UMBRA_TAGS")).contains("k8s.pod:$(POD_NAME)", "k8s.namespace:$(POD_NAMESPACE)");
      assertResizable(app);
    }
  }

  // ---- checks shared by the workloads ----

  /** Selector ⊆ labels; unique container names; mounts name volumes; named probe ports exist; $(VAR)s are defined earlier. */
  private static PodSpec checkTemplate(Map<String, String> selector, PodTemplateSpec template) {
    assertThat(template.getMetadata().getLabels()).containsAllEntriesOf(selector);
    PodSpec pod = template.getSpec();
    Set<String> volumes = new HashSet<>();
    pod.getVolumes().forEach(v -> volumes.add(v.getName()));
    List<Container> all = new ArrayList<>(pod.getInitContainers());
    all.addAll(pod.getContainers());
    Set<String> names = new HashSet<>();
    for (Container c : all) {
      assertThat(names.add(c.getName())).as("container name %s is unique", c.getName()).isTrue();
      assertThat(c.getImage()).as("%s image", c.getName()).isNotBlank();
      for (VolumeMount m : c.getVolumeMounts()) {
        assertThat(volumes).as("%s mounts volume %s", c.getName(), m.getName()).contains(m.getName());
      }
      Set<String> ports = new HashSet<>();
      for (ContainerPort p : c.getPorts()) {
        if (p.getName() != null) {
          assertThat(p.getName().length()).as("port name %s", p.getName()).isLessThanOrEqualTo(15);
          ports.add(p.getName());
        }
      }
      for (Probe probe : new Probe[] {c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe()}) {
        if (probe != null && probe.getHttpGet() != null && probe.getHttpGet().getPort().getStrVal() != null) {
          assertThat(ports).as("%s probes a named port", c.getName()).contains(probe.getHttpGet().getPort().getStrVal());
        }
      }
      Set<String> defined = new HashSet<>();
      for (EnvVar e : c.getEnv()) {
        if (e.getValue() != null) {
          Matcher m = VAR.matcher(e.getValue());
          while (m.find()) {
            assertThat(defined).as("%s: %s uses $(%s)", c.getName(), e.getName(), m.group(1)).contains(m.group(1));
          }
        }
        defined.add(e.getName());
      }
    }
    return pod;
  }

  /** An init container copies the agent jar into a volume the app mounts where -javaagent points. */
  private static void assertAgentFromInitContainer(PodSpec pod, Container app) {
    Matcher agent = JAVAAGENT.matcher(env(app, "JAVA_TOOL_OPTIONS"));
    assertThat(agent.find()).as("JAVA_TOOL_OPTIONS has -javaagent").isTrue();
    Path agentPath = Path.of(agent.group(1));
    VolumeMount appMount = app.getVolumeMounts().stream()
        .filter(m -> agentPath.startsWith(m.getMountPath())).findFirst()
        .orElseThrow(() -> new AssertionError("no volume mounted at " + agentPath.getParent()));
    assertThat(appMount.getReadOnly()).isTrue();
    Container copier = pod.getInitContainers().stream()
        .filter(c -> c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(appMount.getName())))
        .findFirst().orElseThrow(() -> new AssertionError("no init container writes volume " + appMount.getName()));
    Matcher cp = CP.matcher(String.join(" ", copier.getCommand()));
    assertThat(cp.find()).as("%s runs cp", copier.getName()).isTrue();
    assertThat(cp.group(1)).isEqualTo("/opt/umbra/umbra-agent.jar"); // where deploy/docker/Dockerfile puts it
    VolumeMount copierMount = copier.getVolumeMounts().stream().filter(m -> m.getName().equals(appMount.getName())).findFirst().orElseThrow();
    Path inVolume = Path.of(copierMount.getMountPath()).relativize(Path.of(cp.group(2)));
    assertThat(Path.of(appMount.getMountPath()).resolve(inVolume)).isEqualTo(agentPath);
    assertThat(mountedVolume(pod, app, appMount.getMountPath()).getEmptyDir()).isNotNull();
  }

  private static void assertResizable(Container app) {
    assertThat(app.getResizePolicy()).extracting(p -> p.getResourceName() + "=" + p.getRestartPolicy())
        .containsExactlyInAnyOrder("cpu=NotRequired", "memory=NotRequired");
    assertThat(app.getResources().getRequests()).containsKeys("cpu", "memory");
  }

  private static void assertResizeRules(List<PolicyRule> rules) {
    assertThat(rules).extracting(r -> r.getResources() + " " + r.getVerbs())
        .containsExactlyInAnyOrder("[pods] [get]", "[pods/resize] [get, patch]");
    assertThat(rules).allSatisfy(r -> assertThat(r.getApiGroups()).containsExactly(""));
  }

  private static void assertBinds(RoleRef ref, String kind, String name) {
    assertThat(ref.getKind()).isEqualTo(kind);
    assertThat(ref.getName()).isEqualTo(name);
    assertThat(ref.getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
  }

  private static Container container(List<Container> containers, String name) {
    return containers.stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  private static String env(Container c, String name) {
    Optional<EnvVar> e = c.getEnv().stream().filter(v -> v.getName().equals(name)).findFirst();
    return e.map(EnvVar::getValue).orElseThrow(() -> new AssertionError(c.getName() + " has no " + name));
  }

  private static Volume mountedVolume(PodSpec pod, Container c, String mountPath) {
    String name = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(mountPath)).findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " mounts nothing at " + mountPath)).getName();
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }
}
