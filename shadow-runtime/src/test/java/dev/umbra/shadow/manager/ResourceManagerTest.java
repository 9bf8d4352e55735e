package dev.umbra.shadow.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.action.ActionRecord;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import dev.umbra.shadow.manager.Decision.Action;
import dev.umbra.shadow.manager.Decision.Resource;
import dev.umbra.shadow.series.Canonical;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceManagerTest {
  private static final long MIB = 1 << 20;
  private static final long PID = 4242;

  private final MutableClock clock = MutableClock.at("2026-01-01T00:10:00Z");
  private final FakeTelemetry telemetry = new FakeTelemetry();
  private final DecisionLog log = new DecisionLog();
  @TempDir Path proc;

  @BeforeEach
  void aLocalPrimaryInItsOwnCgroup() throws IOException {
    Files.createDirectories(proc.resolve(Long.toString(PID)));
    Files.writeString(proc.resolve(PID + "/cgroup"), "5:memory:/umbra-app\n4:cpu,cpuacct:/umbra-app\n");
    // 2 s ago: 0.5 cores, RSS 300 MiB, heap used 200 MiB of 256 MiB committed, 40 MiB non-heap
    telemetry.values(Canonical.CPU_PROCESS, 0.5);
    telemetry.values(Canonical.MEM_RSS, 300 * MIB);
    telemetry.values(Canonical.MEM_HEAP_USED, 200 * MIB);
    telemetry.values(Canonical.MEM_HEAP_COMMITTED, 256 * MIB);
    telemetry.values(Canonical.MEM_NONHEAP, 40 * MIB);
    telemetry.forecasts.put(Canonical.CPU_PROCESS, Forecasts.peak("cpu.process", 0.6, 1.0, 1.4, 1.6, 1.8));
    telemetry.forecasts.put(Canonical.MEM_RSS, Forecasts.peak("mem.rss", 280 * MIB, 300 * MIB, 310 * MIB, 320 * MIB, 330 * MIB));
  }

  private static PrimaryIdentity primary(String host) {
    return new PrimaryIdentity("host/4242/1", "w", "app", host, PID, 1, "0.1.0", PrimaryIdentity.ReportedCriticality.NORMAL,
        new PrimaryIdentity.JvmFacts("17.0.15", "v", "vm", "app.Main", List.of(), List.of("G1 Young Generation"),
            512 * MIB, 2, 0, 0, "Linux amd64"),
        new PrimaryIdentity.AgentCapabilities(true, true, false, List.of(), List.of(), List.of("SoftMaxHeapSize")));
  }

  private static ShadowConfig.Manage config(ShadowConfig.Manage.Mode mode, String allocator) {
    return new ShadowConfig.Manage(mode, allocator, Map.of(), 0.95, 0.1, Duration.ofSeconds(10), Duration.ofSeconds(2),
        0.1, 0.2, Duration.ofSeconds(30), 2.0, 0.05, 4, 32 * MIB, 4096 * MIB, true, Optional.empty());
  }

  /** {@link #config} with manage-io on: floor 32 MiB/s, no ceiling to speak of. */
  private static ShadowConfig.Manage ioConfig(ShadowConfig.Manage.Mode mode, String allocator) {
    ShadowConfig.Manage m = config(mode, allocator);
    return new ShadowConfig.Manage(m.mode(), m.allocator(), m.allocatorSettings(), m.confidence(), m.threshold(), m.lead(),
        m.every(), m.headroom(), m.band(), m.cooldown(), m.maxStep(), m.cpuMin(), m.cpuMax(), m.memoryMin(),
        m.memoryMax(), m.jvm(), m.pod(), true, 32 * MIB, 1L << 40);
  }

  private ResourceManager manager(ShadowConfig.Manage.Mode mode, FakeAllocator main, Optional<FakeAllocator> jvm,
      String host) {
    return manager(config(mode, "fake"), main, jvm, host);
  }

  private ResourceManager manager(ShadowConfig.Manage config, FakeAllocator main, Optional<FakeAllocator> jvm,
      String host) {
    return manager(config, new AllocatorLoader.Loaded("fake", Optional.of(main), ""), jvm.map(j -> j), host);
  }

  private ResourceManager manager(ShadowConfig.Manage config, AllocatorLoader.Loaded main,
      Optional<dev.umbra.allocator.Allocator> jvm, String host) {
    return new ResourceManager(new ResourceManager.Parts(config, () -> List.of(primary(host)), telemetry, log, clock,
        main, jvm, new TargetResolver("host", proc, Optional.empty())));
  }

  private FakeAllocator cgroup(double cpu, long memory) {
    return new FakeAllocator(Set.of(ResourceKind.CPU, ResourceKind.MEMORY), Allocation.of(cpu, memory));
  }

  private Decision latest(Resource resource) {
    return log.newest("", 100, false).stream().filter(d -> d.resource() == resource).findFirst().orElseThrow();
  }

  @Nested
  class Auto {
    @Test
    void preProvisionsCpu_andThenHolds() {
      FakeAllocator main = cgroup(1.0, 400 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");

      manager.tick();

      Decision up = latest(Resource.CPU);
      assertThat(up.action()).isEqualTo(Action.SCALE_UP);
      assertThat(up.applied()).isTrue();
      assertThat(up.desired()).isEqualTo(1.76, org.assertj.core.api.Assertions.within(1e-9));
      assertThat(up.target()).isEqualTo("pid 4242 cgroup /umbra-app");
      assertThat(main.targets.get(0).pid()).hasValue(PID);
      assertThat(main.now.cpuCores().getAsDouble()).isCloseTo(1.76, org.assertj.core.api.Assertions.within(1e-9));

      clock.advance(Duration.ofSeconds(2));
      manager.tick();

      assertThat(latest(Resource.CPU).action()).isEqualTo(Action.HOLD);
    }

    @Test
    void doesNotFlap_whenTheForecastDropsRightAfterAScaleUp() {
      FakeAllocator main = cgroup(1.0, 400 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");
      manager.tick();
      telemetry.forecasts.put(Canonical.CPU_PROCESS, Forecasts.peak("cpu.process", 0.2, 0.3, 0.4, 0.45, 0.5));

      clock.advance(Duration.ofSeconds(10));
      manager.tick();
      assertThat(latest(Resource.CPU).action()).isEqualTo(Action.HOLD);
      assertThat(latest(Resource.CPU).reason()).contains("cooldown");

      clock.advance(Duration.ofSeconds(20));
      manager.tick();
      assertThat(latest(Resource.CPU).action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(main.now.cpuCores().getAsDouble()).isEqualTo(0.88, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void keepsWhatTheActionPolicyRaisedOnAnAnomaly_untilTheCooldownHasPassed() {
      FakeAllocator main = cgroup(1.0, 400 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");
      manager.tick(); // its own scale-up, 1 → 1.76 cores
      clock.advance(Duration.ofSeconds(30)); // the cooldown of that change has passed
      // then umbra serve --act raised the quota to 2 cores on an anomaly (AnomalyScaler, audited so)
      main.now = main.now.with(Allocation.of(2.0, 400 * MIB));
      new ActionAudit(log, clock).record(new ActionRecord("host/4242/1", ActionRecord.Subject.CPU,
          ActionRecord.Outcome.SCALE_UP, 1.76, 2.0, true, "cgroup", "pid 4242", "anomaly: cpu.process spiked"));
      telemetry.forecasts.put(Canonical.CPU_PROCESS, Forecasts.peak("cpu.process", 0.2, 0.3, 0.4, 0.45, 0.5));

      clock.advance(Duration.ofSeconds(10));
      manager.tick();
      assertThat(latest(Resource.CPU).action()).isEqualTo(Action.HOLD);
      assertThat(latest(Resource.CPU).reason()).contains("cooldown");
      assertThat(main.now.cpuCores().getAsDouble()).isEqualTo(2.0);

      clock.advance(Duration.ofSeconds(20));
      manager.tick();
      assertThat(latest(Resource.CPU).action()).isEqualTo(Action.SCALE_DOWN);
    }

    @Test
    void shrinksTheHeapFirst_whenTheJvmHoldsMuchMoreThanItNeeds() {
      // live set 60 MiB but RSS 600 MiB: need = 90 MiB heap + off-heap 40..? RSS - committed = 600 - 560
      telemetry.values(Canonical.MEM_RSS, 600 * MIB);
      telemetry.values(Canonical.MEM_HEAP_USED, 60 * MIB);
      telemetry.values(Canonical.MEM_HEAP_COMMITTED, 560 * MIB);
      telemetry.forecasts.put(Canonical.MEM_RSS, Forecasts.peak("mem.rss", 590 * MIB, 600 * MIB, 600 * MIB, 600 * MIB, 610 * MIB));
      FakeAllocator main = cgroup(2.0, 1024 * MIB);
      FakeAllocator jvm = new FakeAllocator(Set.of(ResourceKind.HEAP), Allocation.heap(512 * MIB));
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.of(jvm), "host");
      manager.tick(); // a primary just seen: nothing comes down before a cooldown of watching it
      assertThat(latest(Resource.HEAP).action()).isEqualTo(Action.HOLD);
      assertThat(latest(Resource.MEMORY).reason()).contains("cooldown");
      assertThat(jvm.applied).isEmpty();
      clock.advance(Duration.ofSeconds(30));

      manager.tick();

      Decision heap = latest(Resource.HEAP);
      assertThat(heap.action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(heap.allocator()).isEqualTo("jvm");
      assertThat(jvm.applied).containsExactly(Allocation.heap(90 * MIB));
      // the memory limit goes no lower than what the JVM still holds (RSS + 5 %), whatever its need
      Decision memory = latest(Resource.MEMORY);
      assertThat(memory.action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(memory.desired()).isGreaterThanOrEqualTo(630.0 * MIB);
    }
  }

  /** The heap shrinks' state kept across ticks; the rule itself is {@link HeapDeciderTest}'s. */
  @Nested
  class HeapShrinks {
    private FakeAllocator jvm;
    private ResourceManager manager;

    /** G1 on JDK 17: the heap's troughs say 60 MiB, the JVM holds 600 MiB, SoftMaxHeapSize is ignored. */
    @BeforeEach
    void aJvmHoldingMuchMoreThanItsTroughsSay() {
      telemetry.values(Canonical.MEM_RSS, 600 * MIB);
      telemetry.values(Canonical.MEM_HEAP_USED, 60 * MIB);
      telemetry.values(Canonical.MEM_HEAP_COMMITTED, 560 * MIB);
      telemetry.forecasts.put(Canonical.MEM_RSS, Forecasts.peak("mem.rss", 590 * MIB, 600 * MIB, 600 * MIB, 600 * MIB, 610 * MIB));
      jvm = new FakeAllocator(Set.of(ResourceKind.HEAP), Allocation.heap(512 * MIB));
      jvm.ignoresChanges = true;
      jvm.status = ApplyResult.Status.NO_EFFECT;
      manager = manager(ShadowConfig.Manage.Mode.AUTO, cgroup(2.0, 1024 * MIB), Optional.of(jvm), "host");
      manager.tick(); // first seen: nothing comes down before a cooldown
      clock.advance(Duration.ofSeconds(30));
      manager.tick();
      assertThat(latest(Resource.HEAP).action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(jvm.applied).hasSize(1);
    }

    @Test
    void oneThatReturnsNothing_doublesTheWaitBeforeTheNext() {
      clock.advance(Duration.ofSeconds(10));
      manager.tick();
      assertThat(latest(Resource.HEAP).reason())
          .contains("the heap shrink 10 s ago returned less than 10 %: RSS 600.0 MiB -> 600.0 MiB; the next in 60 s");

      clock.advance(Duration.ofSeconds(30)); // the cooldown has passed, the wait has not
      manager.tick();
      assertThat(latest(Resource.HEAP).action()).isEqualTo(Action.HOLD);
      assertThat(latest(Resource.HEAP).reason()).contains("next shrink not before");
      assertThat(jvm.applied).hasSize(1);

      clock.advance(Duration.ofSeconds(20)); // 60 s after the shrink
      manager.tick();
      assertThat(latest(Resource.HEAP).action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(jvm.applied).hasSize(2);
      clock.advance(Duration.ofSeconds(10));
      manager.tick();
      assertThat(latest(Resource.HEAP).reason()).contains("the next in 120 s");
    }

    @Test
    void aGrowingLiveSet_isNotCountedAgainstTheShrink_andNoneComesWhileTheRssGrows() {
      telemetry.values(Canonical.MEM_HEAP_USED, 200 * MIB);
      double[] rising = new double[30];
      for (int i = 0; i < rising.length; i++) {
        rising[i] = (600 + 10 * i) * MIB;
      }
      telemetry.history.put(Canonical.MEM_RSS, rising);
      clock.advance(Duration.ofSeconds(10));

      manager.tick();
      assertThat(latest(Resource.HEAP).reason()).contains("returned little, but the live set grew meanwhile")
          .contains("the next in 30 s");

      clock.advance(Duration.ofSeconds(30));
      manager.tick();
      assertThat(latest(Resource.HEAP).action()).isEqualTo(Action.HOLD);
      assertThat(latest(Resource.HEAP).reason()).contains("no shrink while the RSS grows");
      assertThat(jvm.applied).hasSize(1);
    }
  }

  @Nested
  class JvmMemoryRoom {
    @Test
    void theLargestRiseOfTheRss_withinTheReactionTime_isKeptAbove_andRaisesALimitBelowIt() {
      // RSS 200 MiB now; 5 minutes ago it jumped 150 MiB within 3 s (a live set growing at once)
      double[] rss = new double[600];
      Arrays.fill(rss, 200 * MIB);
      for (int i = 300; i < 320; i++) {
        rss[i] = (i < 303 ? 200 + 50 * (i - 299) : 350) * MIB;
      }
      telemetry.history.put(Canonical.MEM_RSS, rss);
      telemetry.values(Canonical.MEM_RSS, 200 * MIB);
      telemetry.values(Canonical.MEM_HEAP_USED, 60 * MIB);
      telemetry.values(Canonical.MEM_HEAP_COMMITTED, 150 * MIB);
      telemetry.forecasts.put(Canonical.MEM_RSS, Forecasts.peak("mem.rss", 190 * MIB, 200 * MIB, 200 * MIB, 200 * MIB, 205 * MIB));
      FakeAllocator main = cgroup(2.0, 256 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");

      manager.tick();

      Decision memory = latest(Resource.MEMORY);
      assertThat(memory.action()).isEqualTo(Action.SCALE_UP); // P(RSS peak > 256 MiB) is 0: the need decides
      assertThat(memory.desired()).isCloseTo(385.0 * MIB, org.assertj.core.api.Assertions.within(1.0)); // (200 + 150) * 1.1
      assertThat(memory.reason()).contains("below the need").contains("room for growth 150.0 MiB");
    }

  }

  @Nested
  class Refusals {
    @Test
    void anUnknownAllocator_refusesEveryDecision_namingTheKnownOnes() {
      AllocatorLoader.Loaded loaded = new AllocatorLoader(getClass().getClassLoader(), clock, Optional.empty())
          .load("nope", Map.of());
      ResourceManager manager = manager(config(ShadowConfig.Manage.Mode.AUTO, "nope"), loaded, Optional.empty(), "host");

      manager.tick();

      Decision cpu = latest(Resource.CPU);
      assertThat(cpu.action()).isEqualTo(Action.REFUSED);
      assertThat(cpu.applied()).isFalse();
      assertThat(cpu.reason()).contains("unknown allocator 'nope'").contains("cgroup").contains("log")
          .contains("nothing applied");
    }

    @Test
    void aCgroupThatVanished_isRefused_andNothingIsApplied() {
      FakeAllocator main = cgroup(1.0, 400 * MIB);
      main.failCurrent = new AllocatorException(Reason.TARGET_GONE, "cgroup /umbra-app does not exist");
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");

      manager.tick();

      assertThat(latest(Resource.CPU).action()).isEqualTo(Action.REFUSED);
      assertThat(latest(Resource.MEMORY).reason()).contains("TARGET_GONE").contains("does not exist");
      assertThat(main.applied).isEmpty();
    }

    @Test
    void anUnreachablePlatform_isRefused() {
      FakeAllocator main = cgroup(1.0, 400 * MIB);
      main.failApply = new AllocatorException(Reason.UNREACHABLE, "API server https://10.0.0.1:6443 did not answer");
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");

      manager.tick();

      Decision cpu = latest(Resource.CPU);
      assertThat(cpu.action()).isEqualTo(Action.REFUSED);
      assertThat(cpu.reason()).contains("refused by fake (UNREACHABLE)").contains("did not answer");
      assertThat(main.now.cpuCores()).hasValue(1.0);
    }

    @Test
    void aLimitBelowUsage_refusedByTheAllocator_isRecordedWithItsReason() {
      FakeAllocator main = cgroup(4.0, 2048 * MIB);
      main.failApply = new AllocatorException(Reason.INVALID_REQUEST, "memory 330MiB is below current usage 900MiB; nothing applied");
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");
      manager.tick();
      clock.advance(Duration.ofSeconds(30)); // a scale-down waits a cooldown after the primary is first seen

      manager.tick();

      Decision memory = latest(Resource.MEMORY);
      assertThat(memory.action()).isEqualTo(Action.REFUSED);
      assertThat(memory.reason()).contains("INVALID_REQUEST").contains("below current usage");
    }

    @Test
    void aPrimaryOnAnotherHost_withoutAPod_isRefused() {
      FakeAllocator main = cgroup(1.0, 400 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "elsewhere");

      manager.tick();

      assertThat(latest(Resource.CPU).reason()).contains("runs on host 'elsewhere'");
      assertThat(main.applied).isEmpty();
    }

    @Test
    void aProcessThatIsGone_isRefused() throws IOException {
      Files.delete(proc.resolve(PID + "/cgroup"));
      Files.delete(proc.resolve(Long.toString(PID)));
      FakeAllocator main = cgroup(1.0, 400 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");

      manager.tick();

      assertThat(latest(Resource.MEMORY).reason()).contains("process 4242").contains("no longer exists");
    }
  }

  @Nested
  class WithTheCgroupPlugin {
    /** A cgroup v2 tree of plain files under the test's proc folder: what the plugin reads and writes, not a kernel. */
    private Path cgroupTree() throws IOException {
      Path cg = proc.resolve("cgroup");
      Files.createDirectories(proc.resolve("self"));
      Files.writeString(proc.resolve("self/mountinfo"), "30 23 0:26 / " + cg + " rw,nosuid,nodev - cgroup2 cgroup2 rw\n");
      Files.writeString(proc.resolve("self/cgroup"), "0::/init.scope\n");
      Files.writeString(proc.resolve(PID + "/cgroup"), "0::/umbra-app\n");
      for (String dir : List.of("", "init.scope", "umbra-app")) {
        Path d = Files.createDirectories(cg.resolve(dir));
        Files.writeString(d.resolve("cgroup.procs"), "");
        Files.writeString(d.resolve("cgroup.subtree_control"), "");
        Files.writeString(d.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(d.resolve("cpu.max"), "max 100000\n");
        Files.writeString(d.resolve("cpu.stat"), "usage_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
        Files.writeString(d.resolve("memory.max"), "max\n");
        Files.writeString(d.resolve("memory.current"), Long.toString(200 * MIB) + "\n");
        Files.writeString(d.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
      }
      return cg.resolve("umbra-app");
    }

    @Test
    void anAllocationBelowThePluginsMinimum_isRefusedInTheAudit_andNothingIsWritten() throws IOException {
      Path app = cgroupTree();
      telemetry.values(Canonical.CPU_PROCESS, 0.004); // an idle primary: CPU is never planned below its usage
      telemetry.forecasts.put(Canonical.CPU_PROCESS, Forecasts.peak("cpu.process", 0.001, 0.002, 0.003, 0.004, 0.005));
      AllocatorLoader.Loaded loaded = new AllocatorLoader(getClass().getClassLoader(), clock, Optional.empty())
          .load("cgroup", Map.of("proc", proc.toString(), "minCpu", "0.5"));
      ResourceManager manager = manager(config(ShadowConfig.Manage.Mode.AUTO, "cgroup"), loaded, Optional.empty(), "host");

      manager.tick();

      Decision cpu = latest(Resource.CPU);
      assertThat(cpu.action()).isEqualTo(Action.REFUSED);
      assertThat(cpu.applied()).isFalse();
      assertThat(cpu.reason()).contains("below the minimum of 0.5").contains("nothing applied");
      assertThat(Files.readString(app.resolve("cpu.max"))).isEqualTo("max 100000\n");
      // memory (352 MiB for a forecast peak of 320 MiB) is above both minimum and usage: applied
      assertThat(latest(Resource.MEMORY).applied()).isTrue();
    }

    @Test
    void aLimitBelowCurrentUsage_isRefusedByThePlugin_andNothingIsWritten() throws IOException {
      Path app = cgroupTree();
      Files.writeString(app.resolve("memory.current"), Long.toString(900 * MIB) + "\n"); // the kernel's view, above RSS
      AllocatorLoader.Loaded loaded = new AllocatorLoader(getClass().getClassLoader(), clock, Optional.empty())
          .load("cgroup", Map.of("proc", proc.toString()));
      ResourceManager manager = manager(config(ShadowConfig.Manage.Mode.AUTO, "cgroup"), loaded, Optional.empty(), "host");

      manager.tick();

      Decision memory = latest(Resource.MEMORY);
      assertThat(memory.action()).isEqualTo(Action.REFUSED);
      assertThat(memory.reason()).contains("below the current usage").contains("refused by cgroup");
      assertThat(Files.readString(app.resolve("memory.max"))).isEqualTo("max\n");
    }
  }

  @Nested
  class RecommendAndStale {
    @Test
    void recommendMode_recordsWhatItWouldDo_andAppliesNothing() {
      FakeAllocator main = cgroup(1.0, 400 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.RECOMMEND, main, Optional.empty(), "host");

      manager.tick();

      Decision cpu = latest(Resource.CPU);
      assertThat(cpu.action()).isEqualTo(Action.RECOMMEND);
      assertThat(cpu.reason()).startsWith("would scale up").contains("nothing applied");
      assertThat(main.applied).isEmpty();
    }

    @Test
    void holds_whenTelemetryIsStale() {
      FakeAllocator main = cgroup(1.0, 400 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");
      telemetry.silentFor = 60;

      manager.tick();

      assertThat(latest(Resource.CPU).action()).isEqualTo(Action.HOLD);
      assertThat(latest(Resource.CPU).reason()).contains("no fresh cpu.process");
      assertThat(main.applied).isEmpty();
    }

    @Test
    void holds_whileNoModelCanForecast() {
      telemetry.forecasts.remove(Canonical.CPU_PROCESS);
      FakeAllocator main = cgroup(1.0, 400 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");

      manager.tick();

      assertThat(latest(Resource.CPU).reason()).contains("not ready");
      assertThat(latest(Resource.CPU).action()).isEqualTo(Action.HOLD);
    }

    @Test
    void whileNoModelCanForecast_aSaturatedPrimaryStillGetsMore() {
      telemetry.forecasts.remove(Canonical.CPU_PROCESS);
      telemetry.values(Canonical.CPU_PROCESS, 0.3);
      FakeAllocator main = cgroup(0.3, 400 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");

      manager.tick();

      Decision cpu = latest(Resource.CPU);
      assertThat(cpu.action()).isEqualTo(Action.SCALE_UP);
      assertThat(cpu.reason()).contains("not ready").contains("saturated");
      assertThat(main.now.cpuCores().getAsDouble()).isCloseTo(0.45, org.assertj.core.api.Assertions.within(1e-9));
    }
  }

  /**
   * Disk bandwidth (manage-io) in the loop: when it is decided, applied and refused. The rule
   * itself (floor, saturation, step) is {@link DiskDeciderTest}'s.
   */
  @Nested
  class DiskBandwidth {
    private FakeAllocator withDisks(Allocation initial) {
      return new FakeAllocator(Set.of(ResourceKind.CPU, ResourceKind.MEMORY, ResourceKind.DISK_READ,
          ResourceKind.DISK_WRITE), initial);
    }

    @Test
    void setsTheForecastPeakPlusHeadroom_whereNoLimitIsSet() {
      telemetry.values(Canonical.IO_DISK_WRITE, 40.0 * MIB);
      telemetry.forecasts.put(Canonical.IO_DISK_WRITE,
          Forecasts.peak("io.disk.write", 30.0 * MIB, 45.0 * MIB, 55.0 * MIB, 60.0 * MIB, 80.0 * MIB));
      FakeAllocator main = withDisks(Allocation.of(1.0, 400 * MIB));
      ResourceManager manager = manager(ioConfig(ShadowConfig.Manage.Mode.AUTO, "fake"), main, Optional.empty(), "host");

      manager.tick();

      Decision write = latest(Resource.DISK_WRITE);
      assertThat(write.applied()).isTrue();
      assertThat(write.desired()).isCloseTo(66.0 * MIB, org.assertj.core.api.Assertions.within(1.0));
      assertThat(write.reason()).contains("peak p95 over 10 s = 60.0 MiB/s").contains("no limit is set, setting 66.0 MiB/s");
      assertThat(main.now.diskWriteBytesPerSecond().getAsLong()).isCloseTo(66 * MIB, org.assertj.core.api.Assertions.within(1L));
      assertThat(main.applied).contains(Allocation.diskWrite(main.now.diskWriteBytesPerSecond().getAsLong()));
      assertThat(latest(Resource.DISK_READ).action()).isEqualTo(Action.HOLD);
      assertThat(latest(Resource.DISK_READ).reason()).isEqualTo("no io.disk.read telemetry yet");
    }

    @Test
    void isNotManaged_withoutManageIo_orWithAnAllocatorThatCannotLimitIt() {
      telemetry.values(Canonical.IO_DISK_WRITE, 40.0 * MIB);
      telemetry.forecasts.put(Canonical.IO_DISK_WRITE,
          Forecasts.peak("io.disk.write", 30.0 * MIB, 45.0 * MIB, 55.0 * MIB, 60.0 * MIB, 80.0 * MIB));
      FakeAllocator withDisks = withDisks(Allocation.of(1.0, 400 * MIB));
      FakeAllocator withoutDisks = cgroup(1.0, 400 * MIB);

      manager(ShadowConfig.Manage.Mode.AUTO, withDisks, Optional.empty(), "host").tick();
      manager(ioConfig(ShadowConfig.Manage.Mode.AUTO, "fake"), withoutDisks, Optional.empty(), "host").tick();

      assertThat(log.newest("", 100, false)).extracting(Decision::resource)
          .doesNotContain(Resource.DISK_READ, Resource.DISK_WRITE);
      assertThat(withDisks.now.diskWriteBytesPerSecond()).isEmpty();
      assertThat(withoutDisks.now.diskWriteBytesPerSecond()).isEmpty();
    }

    @Test
    void aRefusalIsRecordedWithItsReason() {
      telemetry.values(Canonical.IO_DISK_WRITE, 40.0 * MIB);
      telemetry.forecasts.put(Canonical.IO_DISK_WRITE,
          Forecasts.peak("io.disk.write", 30.0 * MIB, 45.0 * MIB, 55.0 * MIB, 60.0 * MIB, 80.0 * MIB));
      FakeAllocator main = withDisks(Allocation.of(1.0, 400 * MIB));
      main.failApply = new AllocatorException(Reason.INVALID_REQUEST, "refusing to limit the disk bandwidth of the "
          + "root blkio cgroup; nothing applied");
      ResourceManager manager = manager(ioConfig(ShadowConfig.Manage.Mode.AUTO, "fake"), main, Optional.empty(), "host");

      manager.tick();

      Decision write = latest(Resource.DISK_WRITE);
      assertThat(write.action()).isEqualTo(Action.REFUSED);
      assertThat(write.reason()).contains("refused by fake (INVALID_REQUEST): refusing to limit the disk bandwidth");
    }
  }

  @Nested
  class PeriodicDemand {
    @Test
    void raisesTheLimitBeforeTheNextRise_ofDemandThatRepeats_evenWithoutAModel() {
      telemetry.forecasts.remove(Canonical.CPU_PROCESS);
      // 600 s of a 40 s cycle (20 s at 0.2 cores, 20 s at 0.8); the newest second is 15 s into a 0.2 stretch
      double[] history = new double[600];
      for (int i = 0; i < history.length; i++) {
        int second = (i + 15 + 40 - 600 % 40) % 40;
        history[i] = second < 20 ? 0.2 : 0.8;
      }
      telemetry.history.put(Canonical.CPU_PROCESS, history);
      FakeAllocator main = cgroup(0.3, 400 * MIB);
      ResourceManager manager = manager(ShadowConfig.Manage.Mode.AUTO, main, Optional.empty(), "host");

      manager.tick();

      Decision cpu = latest(Resource.CPU);
      assertThat(cpu.model()).isEqualTo("periodic");
      assertThat(cpu.action()).isEqualTo(Action.SCALE_UP);
      assertThat(cpu.reason()).contains("period 40 s");
      assertThat(main.now.cpuCores().getAsDouble()).isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-9));
    }
  }

  /** Series values as of 2 s before the clock's time, and forecasts by series. */
  final class FakeTelemetry implements TelemetrySource {
    final Map<Canonical, QuantileForecast> forecasts = new EnumMap<>(Canonical.class);
    final Map<Canonical, Double> values = new EnumMap<>(Canonical.class);
    /** Explicit histories, newest last, instead of a constant value. */
    final Map<Canonical, double[]> history = new EnumMap<>(Canonical.class);
    /** Seconds the telemetry stopped before the clock's time. */
    long silentFor = 2;

    void values(Canonical series, double value) {
      values.put(series, value);
    }

    @Override
    public QuantileForecast forecast(String primaryId, Canonical series, Horizon horizon, QuantileLevels levels)
        throws InsufficientHistoryException {
      QuantileForecast f = forecasts.get(series);
      if (f == null) {
        throw new InsufficientHistoryException("no model has enough history of " + series);
      }
      return f;
    }

    @Override
    public long newestSecond(String primaryId, Canonical series) {
      return values.containsKey(series) ? clock.instant().getEpochSecond() - silentFor : Long.MIN_VALUE;
    }

    @Override
    public double[] recent(String primaryId, Canonical series, long upTo, int seconds) {
      double[] out = new double[seconds];
      Arrays.fill(out, values.getOrDefault(series, Double.NaN));
      double[] h = history.get(series);
      if (h != null) {
        for (int i = 0; i < Math.min(seconds, h.length); i++) {
          out[seconds - 1 - i] = h[h.length - 1 - i];
        }
      }
      return out;
    }
  }
}
