package dev.umbra.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetTest {

  @Test
  void carriesTheCoordinatesItIsGiven() {
    Target target = Target.primary("host-42-1700000000").withPid(42).withCgroup("/umbra-app").withPod("prod", "app-0", "app");

    assertThat(target.pid()).hasValue(42);
    assertThat(target.cgroup()).hasValue("/umbra-app");
    assertThat(target.pod()).hasValueSatisfying(pod -> assertThat(pod.toString()).isEqualTo("prod/app-0/app"));
  }

  @Test
  void refusesCgroupPathsThatEscapeTheHierarchy() {
    assertThatThrownBy(() -> Target.primary("p").withCgroup("umbra-app")).hasMessageContaining("must start with '/'");
    assertThatThrownBy(() -> Target.primary("p").withCgroup("/a/../../etc")).hasMessageContaining("'..'");
  }

  @Test
  void refusesInvalidKubernetesNames() {
    assertThatThrownBy(() -> Target.primary("p").withPod("Prod", "app", "c")).hasMessageContaining("namespace is not a valid Kubernetes name: 'Prod'");
    assertThatThrownBy(() -> Target.primary("p").withPod("prod", "app", "c_1")).hasMessageContaining("container");
    assertThatThrownBy(() -> Target.primary(" ")).hasMessageContaining("primaryId is blank");
    assertThatThrownBy(() -> Target.primary("p").withPid(0)).hasMessageContaining("pid must be > 0");
  }
}
