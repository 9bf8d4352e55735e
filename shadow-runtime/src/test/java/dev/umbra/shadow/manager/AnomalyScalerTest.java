package dev.umbra.shadow.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.shadow.action.ActionPolicy;
import dev.umbra.shadow.action.ActionRecord;
import dev.umbra.shadow.action.ActionRecord.Outcome;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnomalyScalerTest {
  private static final long MIB = 1 << 20;
  private static final long PID = 4242;
  @TempDir Path proc;

  @BeforeEach
  void aLocalPrimaryInItsOwnCgroup() throws IOException {
    Files.createDirectories(proc.resolve(Long.toString(PID)));
    Files.writeString(proc.resolve(PID + "/cgroup"), "5:memory:/umbra-app\n4:cpu,cpuacct:/umbra-app\n");
  }

  private static PrimaryIdentity primary() {
    return new PrimaryIdentity("host/4242/1", "w", "app", "host", PID, 1, "0.1.0", PrimaryIdentity.ReportedCriticality.NORMAL,
        new PrimaryIdentity.JvmFacts("17.0.15", "v", "vm", "app.Main", List.of(), List.of(), 512 * MIB, 2, 0, 0, "Linux"),
        new PrimaryIdentity.AgentCapabilities(true, true, false, List.of("app"), List.of("ledger"), List.of()));
  }

  private AnomalyScaler scaler(FakeAllocator allocator, double cpuMax) {
    ShadowConfig.Manage d = ShadowConfig.Manage.off();
    ShadowConfig.Manage bounds = new ShadowConfig.Manage(d.mode(), "fake", Map.of(), d.confidence(), d.threshold(),
        d.lead(), d.every(), d.headroom(), d.band(), d.cooldown(), d.maxStep(), d.cpuMin(), cpuMax, d.memoryMin(),
        1024 * MIB, d.jvm(), Optional.empty());
    return new AnomalyScaler(bounds, ActionPolicy.defaults(),
        id -> id.equals("host/4242/1") ? Optional.of(primary()) : Optional.empty(),
        new AllocatorLoader.Loaded("fake", Optional.of(allocator), ""), new TargetResolver("host", proc, Optional.empty()),
        Executors.newSingleThreadExecutor());
  }

  private static FakeAllocator cgroup(OptionalDouble cpu, OptionalLong memory) {
    return new FakeAllocator(Set.of(ResourceKind.CPU, ResourceKind.MEMORY), new Allocation(cpu, memory, OptionalLong.empty()));
  }

  @Test
  void raisesTheCpuQuotaByTheStep_throughTheAllocator() throws Exception {
    FakeAllocator allocator = cgroup(OptionalDouble.of(1.0), OptionalLong.of(512 * MIB));
    try (AnomalyScaler scaler = scaler(allocator, 64)) {
      ActionRecord r = scaler.scaleUp("host/4242/1", ActionPolicy.Resource.CPU, "anomaly a1").get();

      assertThat(r.outcome()).isEqualTo(Outcome.SCALE_UP);
      assertThat(r.applied()).isTrue();
      assertThat(r.current()).isEqualTo(1.0);
      assertThat(r.desired()).isEqualTo(1.5);
      assertThat(r.where()).contains("pid 4242").contains("/umbra-app");
      assertThat(r.reason()).contains("anomaly a1; 1.000 cores -> 1.500 cores (+0.5 cores (act-cpu-step))");
      assertThat(allocator.applied).containsExactly(Allocation.cpu(1.5));
    }
  }

  @Test
  void raisesMemoryByItsShare_cappedAtTheMaximum() {
    FakeAllocator allocator = cgroup(OptionalDouble.empty(), OptionalLong.of(900 * MIB));
    AnomalyScaler scaler = scaler(allocator, 64);

    ActionRecord r = scaler.scale("host/4242/1", ActionPolicy.Resource.MEMORY, "anomaly a2");

    assertThat(r.desired()).isEqualTo(1024.0 * MIB);
    assertThat(r.reason()).contains("capped at manage-memory-max");
    assertThat(allocator.applied).containsExactly(Allocation.memory(1024 * MIB));
  }

  @Test
  void refuses_withoutALimitToRaise_atTheMaximum_forAGonePrimary_andWhatThePlatformRefuses() {
    AnomalyScaler unlimited = scaler(cgroup(OptionalDouble.empty(), OptionalLong.empty()), 64);
    assertThat(unlimited.scale("host/4242/1", ActionPolicy.Resource.CPU, "a").reason()).contains("no cpu limit is set");

    FakeAllocator atMax = cgroup(OptionalDouble.of(2.0), OptionalLong.empty());
    ActionRecord max = scaler(atMax, 2).scale("host/4242/1", ActionPolicy.Resource.CPU, "a");
    assertThat(max.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(max.reason()).contains("already at manage-cpu-max 2.000 cores");
    assertThat(atMax.applied).isEmpty();

    assertThat(scaler(atMax, 64).scale("host/9/1", ActionPolicy.Resource.CPU, "a").reason()).contains("is not connected");

    FakeAllocator failing = cgroup(OptionalDouble.of(1.0), OptionalLong.empty());
    failing.failApply = new AllocatorException(AllocatorException.Reason.TARGET_GONE, "cgroup /umbra-app vanished");
    ActionRecord refused = scaler(failing, 64).scale("host/4242/1", ActionPolicy.Resource.CPU, "a");
    assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(refused.reason()).contains("refused by fake (TARGET_GONE): cgroup /umbra-app vanished");
  }

  @Test
  void everyScaleUpIsRefused_whenTheAllocatorCouldNotBeOpened() {
    ShadowConfig.Manage d = ShadowConfig.Manage.off();
    AnomalyScaler scaler = new AnomalyScaler(d, ActionPolicy.defaults(), id -> Optional.of(primary()),
        new AllocatorLoader.Loaded("nope", Optional.empty(), "unknown allocator 'nope'; known allocators: cgroup"),
        new TargetResolver("host", proc, Optional.empty()), Executors.newSingleThreadExecutor());

    ActionRecord r = scaler.scale("host/4242/1", ActionPolicy.Resource.CPU, "a");

    assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(r.reason()).contains("unknown allocator 'nope'").endsWith("nothing applied");
  }
}
