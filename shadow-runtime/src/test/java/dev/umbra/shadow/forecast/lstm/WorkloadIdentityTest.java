package dev.umbra.shadow.forecast.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadIdentityTest {
  private static final long MIB = 1 << 20;
  private final WorkloadIdentity orders = new WorkloadIdentity("aaaa", "orders.jar",
      List.of("-Xmx512m", "-XX:+UseG1GC", "-javaagent:/opt/umbra/agent.jar=shadow=x"), 512 * MIB);

  @Test
  void theSameWorkloadIsNearest_anotherMainIsNotNearAtAll() {
    assertThat(orders.similarity(orders)).isEqualTo(1.0);
    WorkloadIdentity billing = new WorkloadIdentity("bbbb", "billing.jar", orders.jvmFlags(), 512 * MIB);
    assertThat(orders.similarity(billing)).isZero();
  }

  @Test
  void theSameMainWithOtherArguments_isNear_andNearerWithTheSameFlagsAndHeap() {
    WorkloadIdentity otherArgs = new WorkloadIdentity("cccc", "orders.jar",
        List.of("-Xmx512m", "-XX:+UseG1GC", "-javaagent:/elsewhere/agent.jar"), 512 * MIB);
    WorkloadIdentity otherFlags = new WorkloadIdentity("dddd", "orders.jar", List.of("-Xmx2g", "-XX:+UseZGC"),
        2048 * MIB);

    assertThat(orders.similarity(otherArgs)).as("the agent's own option is not a flag of the workload").isEqualTo(1.0);
    assertThat(orders.similarity(otherFlags)).isGreaterThanOrEqualTo(WorkloadIdentity.NEAR)
        .isLessThan(orders.similarity(otherArgs));
    assertThat(orders.describeNearness(otherFlags)).contains("workload dddd", "same main orders.jar",
        "other arguments", "other JVM flags", "max heap 2048 MiB vs 512 MiB");
  }

  @Test
  void refusesABlankWorkloadOrANegativeHeap() {
    assertThatThrownBy(() -> new WorkloadIdentity(" ", "m", List.of(), 0)).hasMessageContaining("blank workload");
    assertThatThrownBy(() -> new WorkloadIdentity("w", "m", List.of(), -1)).hasMessageContaining("max heap is -1");
  }

  @Test
  void identitiesAndEvidence_areSavedAndReadBack(@TempDir Path root) throws Exception {
    LstmModelStore store = new LstmModelStore(root);
    store.saveIdentity(orders);
    assertThat(store.identities()).containsExactly(orders);

    ModelKey key = new ModelKey("aaaa", "cpu.process@10x1s");
    ModelEvidence evidence = new ModelEvidence("p1", 31, true, "lstm leads: rolling pinball lstm 0.04 vs ewma 0.05");
    store.saveEvidence(key, 2, evidence);
    assertThat(store.loadEvidence(key, 2)).contains(evidence);
    assertThat(store.loadEvidence(key, 3)).isEmpty();
  }
}
