package dev.umbra.allocator.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.Allocators;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the host's real cgroups: each test creates {@code umbra-test-<random>} under this JVM's
 * own cgroup (so the children stay inside whatever limits the test JVM runs under), starts real
 * processes in it, checks that the kernel and the JVM act on the limits, and removes it. Skipped,
 * with the reason, where no cgroup hierarchy with cpu and memory is mounted or it is not writable
 * (not root, read-only /sys/fs/cgroup, cgroup v2 without a delegated parent).
 */
class RealCgroupTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private CgroupManager manager;
  private Cgroup cgroup;
  private final List<GatedProcess> processes = new ArrayList<>();

  @BeforeEach
  void createTestCgroup() {
    try {
      manager = CgroupManager.detect();
      cgroup = manager.create("test-" + UUID.randomUUID().toString().substring(0, 8));
    } catch (AllocatorException e) {
      // Only "not here" and "not allowed" skip; any other failure to create is a bug and fails.
      if (e.reason() != Reason.UNAVAILABLE_HERE && e.reason() != Reason.FORBIDDEN) {
        throw new AssertionError("creating a test cgroup failed", e);
      }
      Assumptions.abort("real cgroups are not usable here, so this test is skipped: " + e.getMessage());
    }
  }

  @AfterEach
  void removeTestCgroup() throws Exception {
    for (GatedProcess process : processes) {
      if (!process.output().isEmpty()) {
        System.out.println("child " + process.pid() + " said: " + process.output());
      }
      process.close();
    }
    if (cgroup != null) {
      manager.remove(cgroup);
      assertThat(cgroup.exists()).as("test cgroup removed").isFalse();
    }
  }

  @Test
  void jvmInTheCgroupFollowsTheCpuQuota() throws Exception {
    Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2,
        "needs at least 2 CPUs to see a 1-CPU quota take effect");
    manager.apply(cgroup, Allocation.cpu(1));
    GatedProcess probe = startInCgroup(javaCommand(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", testClasses(),
        ProcessorsProbe.class.getName());

    assertThat(probe.awaitLine("processors 1"::equals, DEADLINE)).as("child JVM sees 1 CPU; output %s", probe.output()).isTrue();

    manager.apply(cgroup, Allocation.cpu(2));

    assertThat(probe.awaitLine("processors 2"::equals, DEADLINE)).as("child JVM sees 2 CPUs; output %s", probe.output()).isTrue();
  }

  @Test
  void kernelThrottlesABusyProcessToTheQuota() throws Exception {
    manager.apply(cgroup, Allocation.cpu(0.1));
    startInCgroup("sh", "-c", "while :; do :; done");

    CgroupStats stats = await(() -> manager.stats(cgroup), s -> s.cpuThrottledPeriods() >= 5);

    assertThat(stats.cpuThrottledTime()).isPositive();
    assertThat(stats.cpuQuotaCores()).hasValue(0.1);
  }

  @Test
  void kernelStopsAProcessThatExceedsTheMemoryLimit() throws Exception {
    manager.apply(cgroup, Allocation.memory(32L << 20));
    // dd fills a 96 MiB buffer from /dev/zero: every page is touched and charged to the cgroup.
    GatedProcess hog = startInCgroup("dd", "if=/dev/zero", "of=/dev/null", "bs=96M", "count=1");

    assertThat(hog.awaitExit(DEADLINE)).as("the process over the limit ends").isTrue();
    CgroupStats stats = manager.stats(cgroup);

    assertThat(hog.exitValue()).as("killed by SIGKILL (OOM); output %s", hog.output()).isEqualTo(128 + 9);
    assertThat(stats.memoryLimitHits()).isPositive();
    assertThat(stats.memoryLimitBytes()).hasValue(32L << 20);
  }

  @Test
  void refusesMemoryBelowUsage_andLeavesTheLimitAlone() throws Exception {
    // dd keeps a 48 MiB buffer it refills forever: at least 48 MiB stay charged.
    startInCgroup("dd", "if=/dev/zero", "of=/dev/null", "bs=48M");
    await(() -> manager.stats(cgroup), s -> s.memoryUsageBytes() >= 48L << 20);

    assertThatThrownBy(() -> manager.apply(cgroup, Allocation.memory(24L << 20)))
        .isInstanceOf(AllocatorException.class)
        .hasMessageContaining("memory 24MiB (25165824 bytes) is below the current usage of")
        .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.INVALID_REQUEST);
    assertThat(manager.limits(cgroup).memoryBytes()).isEmpty();
  }

  @Test
  void allocatorFindsThePrimaryByPid_andIsIdempotent() throws Exception {
    GatedProcess primary = startInCgroup("sleep", "60");
    Target target = Target.primary("test-primary").withPid(primary.pid());

    try (Allocator allocator = Allocators.load("cgroup", AllocatorContext.of(Map.of()), getClass().getClassLoader())) {
      ApplyResult first = allocator.apply(target, Allocation.of(0.5, 64L << 20));
      ApplyResult second = allocator.apply(target, Allocation.of(0.5, 64L << 20));

      assertThat(first.status()).isEqualTo(ApplyResult.Status.APPLIED);
      assertThat(second.status()).isEqualTo(ApplyResult.Status.UNCHANGED);
      assertThat(allocator.current(target)).isEqualTo(Allocation.of(0.5, 64L << 20));
      assertThat(Files.readString(cgroup.cpuDirectory().resolve("cpu.cfs_quota_us")).strip()).isEqualTo("50000");
    }
  }

  @Test
  void saysTheCgroupVanished_whenItWasRemovedBehindOurBack() throws Exception {
    Files.delete(cgroup.cpuDirectory());
    Files.delete(cgroup.memoryDirectory());

    assertThatThrownBy(() -> manager.apply(cgroup, Allocation.cpu(1)))
        .hasMessageContaining("no longer exists")
        .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.TARGET_GONE);
  }

  @Test
  void removeMovesLeftoverProcessesToTheParent() throws Exception {
    GatedProcess leftover = startInCgroup("sleep", "60");
    Cgroup parent = manager.own();

    manager.remove(cgroup);

    assertThat(cgroup.exists()).isFalse();
    assertThat(leftover.isAlive()).isTrue();
    Cgroup now = manager.ofPid(leftover.pid());
    assertThat(now.cpuPath()).isEqualTo(parent.cpuPath());
    assertThat(now.memoryPath()).isEqualTo(parent.memoryPath());
  }

  private GatedProcess startInCgroup(String... command) throws Exception {
    GatedProcess process = GatedProcess.start(command);
    processes.add(process);
    manager.movePid(cgroup, process.pid());
    assertThat(manager.pids(cgroup)).contains(process.pid());
    process.release();
    return process;
  }

  private static <T> T await(Callable<T> read, java.util.function.Predicate<T> condition) throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    T value = read.call();
    while (!condition.test(value)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + DEADLINE + "; last value " + value);
      }
      Thread.sleep(50);
      value = read.call();
    }
    return value;
  }

  private static String javaCommand() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static String testClasses() throws Exception {
    return Path.of(ProcessorsProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
