package dev.umbra.allocator.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.ApplyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manager against fake hierarchies: what is read and written, for v1 and v2. */
class CgroupManagerTest {

  @TempDir Path tmp;

  @Nested
  class Detection {

    @Test
    void choosesV1_whenCpuAndMemoryHaveV1Mounts_evenBesideAnEmptyCgroup2() throws AllocatorException {
      CgroupManager manager = FakeHierarchy.v1(tmp).manager();

      assertThat(manager.version()).isEqualTo(CgroupVersion.V1);
      Cgroup own = manager.own();
      assertThat(own.cpuPath()).isEqualTo("/");
      assertThat(own.memoryPath()).isEqualTo("/user.slice");
      assertThat(own.cpuDirectory()).isEqualTo(tmp.resolve("sys fs/cgroup/cpu,cpuacct"));
      assertThat(own.memoryDirectory()).isEqualTo(tmp.resolve("sys fs/cgroup/memory/user.slice"));
    }

    @Test
    void choosesV2_whenOnlyTheUnifiedHierarchyOffersCpuAndMemory() throws AllocatorException {
      CgroupManager manager = FakeHierarchy.v2(tmp).manager();

      assertThat(manager.version()).isEqualTo(CgroupVersion.V2);
      assertThat(manager.own().cpuDirectory()).isEqualTo(tmp.resolve("cgroup/init.scope"));
    }

    @Test
    void refusesToWork_whenNoHierarchyOffersCpuAndMemory() {
      FakeHierarchy fake = FakeHierarchy.v2(tmp);
      fake.write("cgroup/cgroup.controllers", "pids io\n");

      assertThatThrownBy(fake::manager)
          .isInstanceOf(AllocatorException.class)
          .hasMessageContaining("no cgroup hierarchy with the cpu and memory controllers")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.UNAVAILABLE_HERE);
    }

    @Test
    void mapsPathsUnderAMountRoot_asInsideAContainer() {
      Hierarchy.Mount mount = new Hierarchy.Mount(Path.of("/sys/fs/cgroup/memory"), "/docker/abc");

      assertThat(mount.directory("/docker/abc/umbra-app")).isEqualTo(Path.of("/sys/fs/cgroup/memory/umbra-app"));
      assertThat(mount.directory("/docker/abc")).isEqualTo(Path.of("/sys/fs/cgroup/memory"));
    }

    @Test
    void findsAProcessesCgroup_perController() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.write("proc/4242/cgroup", "11:memory:/umbra-app\n3:cpu,cpuacct:/umbra-app\n1:name=systemd:/x\n");
      fake.cgroup("/umbra-app");

      Cgroup cgroup = fake.manager().ofPid(4242);

      assertThat(cgroup.memoryPath()).isEqualTo("/umbra-app");
      assertThat(cgroup.toString()).isEqualTo("cgroup v1 /umbra-app");
    }

    @Test
    void saysTheProcessIsGone_whenItHasNoProcEntry() throws AllocatorException {
      CgroupManager manager = FakeHierarchy.v1(tmp).manager();

      assertThatThrownBy(() -> manager.ofPid(999_999))
          .hasMessageContaining("process 999999 does not exist")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.TARGET_GONE);
    }
  }

  @Nested
  class ApplyingV1 {

    @Test
    void writesQuotaAndPageRoundedLimit_andReadsThemBack() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");

      ApplyResult result = manager.apply(cgroup, Allocation.of(1.5, (256L << 20) + 100));

      assertThat(result.status()).isEqualTo(ApplyResult.Status.APPLIED);
      assertThat(fake.read(fake.cpuDir("/umbra-app").resolve("cpu.cfs_quota_us"))).isEqualTo("150000");
      assertThat(fake.read(fake.memoryDir("/umbra-app").resolve("memory.limit_in_bytes"))).isEqualTo(Long.toString(256L << 20));
      assertThat(result.inEffect()).isEqualTo(Allocation.of(1.5, 256L << 20));
      assertThat(result.reason()).contains("cpu quota unlimited -> 150000/100000 us (1.5 cores)", "memory limit unlimited -> 256MiB");
    }

    @Test
    void changesNothing_whenTheSameAllocationIsAppliedAgain() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");
      manager.apply(cgroup, Allocation.of(0.5, 64L << 20));

      ApplyResult again = manager.apply(cgroup, Allocation.of(0.5, 64L << 20));

      assertThat(again.status()).isEqualTo(ApplyResult.Status.UNCHANGED);
      assertThat(again.tookEffect()).isTrue();
    }

    @Test
    void keepsThePeriodInPlace() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      fake.write(fake.cpuDir("/umbra-app").resolve("cpu.cfs_period_us"), "50000\n");
      CgroupManager manager = fake.manager();

      manager.apply(manager.adopt("/umbra-app"), Allocation.cpu(2));

      assertThat(fake.read(fake.cpuDir("/umbra-app").resolve("cpu.cfs_quota_us"))).isEqualTo("100000");
    }

    @Test
    void raisesALimitedMemswFirst_becauseV1RefusesMemoryAboveIt() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      Path memsw = fake.memoryDir("/umbra-app").resolve("memory.memsw.limit_in_bytes");
      fake.write(memsw, Long.toString(64L << 20));
      CgroupManager manager = fake.manager();

      manager.apply(manager.adopt("/umbra-app"), Allocation.memory(128L << 20));

      assertThat(fake.read(memsw)).isEqualTo(Long.toString(128L << 20));
    }

    @Test
    void refusesMemoryBelowUsage_withTheNumbers_andWritesNothing() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      fake.write(fake.memoryDir("/umbra-app").resolve("memory.usage_in_bytes"), Long.toString(100L << 20));
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");

      assertThatThrownBy(() -> manager.apply(cgroup, Allocation.of(1, 64L << 20)))
          .hasMessageContaining("memory 64MiB (67108864 bytes) is below the current usage of 100MiB (104857600 bytes)")
          .hasMessageContaining("nothing applied")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.INVALID_REQUEST);
      assertThat(manager.limits(cgroup)).isEqualTo(Allocation.empty());
    }

    @Test
    void refusesAllocationsBelowTheMinimums() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");

      assertThatThrownBy(() -> manager.apply(cgroup, Allocation.cpu(0.005)))
          .hasMessageContaining("cpu 0.005 cores is below the minimum of 0.01 (setting minCpu)");
      assertThatThrownBy(() -> manager.apply(cgroup, Allocation.memory(1 << 20)))
          .hasMessageContaining("memory 1MiB is below the minimum of 16MiB (setting minMemory)");
      assertThatThrownBy(() -> manager.apply(cgroup, Allocation.heap(1 << 30)))
          .hasMessageContaining("not the JVM heap");
      assertThat(manager.limits(cgroup)).isEqualTo(Allocation.empty());
    }

    @Test
    void putsTheCpuQuotaBack_whenTheMemoryWriteFails() throws Exception {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      // The memsw limit is read only while writing memory, after the CPU quota was written: an
      // unreadable one makes the memory step fail half-way through the apply.
      Path memsw = fake.memoryDir("/umbra-app").resolve("memory.memsw.limit_in_bytes");
      Files.delete(memsw);
      Files.createDirectory(memsw);
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");

      assertThatThrownBy(() -> manager.apply(cgroup, Allocation.of(1, 64L << 20))).isInstanceOf(AllocatorException.class);
      assertThat(fake.read(fake.cpuDir("/umbra-app").resolve("cpu.cfs_quota_us"))).isEqualTo("-1");
    }

    @Test
    void saysTheCgroupVanished_whenItsDirectoryIsGone() throws Exception {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");
      deleteTree(fake.memoryDir("/umbra-app"));

      assertThatThrownBy(() -> manager.apply(cgroup, Allocation.cpu(1)))
          .hasMessageContaining("cgroup v1 /umbra-app no longer exists")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.TARGET_GONE);
      assertThatThrownBy(() -> manager.adopt("/umbra-app")).hasMessageContaining("cgroup /umbra-app does not exist (no ").hasMessageContaining("target it by pid instead");
    }
  }

  @Nested
  class ApplyingV2 {

    @Test
    void writesCpuMaxAndMemoryMax() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v2(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();

      ApplyResult result = manager.apply(manager.adopt("/umbra-app"), Allocation.of(0.25, 512L << 20));

      assertThat(fake.read(fake.cpuDir("/umbra-app").resolve("cpu.max"))).isEqualTo("25000 100000");
      assertThat(fake.read(fake.memoryDir("/umbra-app").resolve("memory.max"))).isEqualTo(Long.toString(512L << 20));
      assertThat(result.inEffect()).isEqualTo(Allocation.of(0.25, 512L << 20));
    }

    @Test
    void refusesMemoryBelowMemoryCurrent() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v2(tmp);
      fake.cgroup("/umbra-app");
      fake.write(fake.memoryDir("/umbra-app").resolve("memory.current"), Long.toString(300L << 20));
      CgroupManager manager = fake.manager();

      assertThatThrownBy(() -> manager.apply(manager.adopt("/umbra-app"), Allocation.memory(256L << 20)))
          .hasMessageContaining("below the current usage of 300MiB");
      assertThat(fake.read(fake.memoryDir("/umbra-app").resolve("memory.max"))).isEqualTo("max");
    }

    @Test
    void enablesCpuMemoryAndIoForChildren_whenCreating() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v2(tmp);
      CgroupManager manager = fake.manager();
      Cgroup parent = manager.adopt("/");

      Cgroup created = manager.create("app", parent);

      assertThat(fake.read(fake.cpuDir("/").resolve("cgroup.subtree_control"))).isEqualTo("+cpu +memory +io");
      assertThat(created.cpuPath()).isEqualTo("/umbra-app");
      assertThat(Files.isDirectory(created.cpuDirectory())).isTrue();
    }
  }

  @Nested
  class Creating {

    @Test
    void refusesABadName_orOneThatExists() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();
      Cgroup root = manager.adopt("/");

      assertThatThrownBy(() -> manager.create("../etc", root)).hasMessageContaining("cgroup name '../etc' must be");
      assertThatThrownBy(() -> manager.create("app", root)).hasMessageContaining("already exists");
      assertThatThrownBy(() -> manager.adopt("/a/../b")).hasMessageContaining("must start with '/'");
    }

    @Test
    void createsUnderTheCallersOwnCgroup_perController() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      CgroupManager manager = fake.manager();

      Cgroup created = manager.create("app");

      assertThat(created.cpuPath()).isEqualTo("/umbra-app");
      assertThat(created.memoryPath()).isEqualTo("/user.slice/umbra-app");
      assertThat(created.exists()).isTrue();
    }
  }

  @Nested
  class Stats {

    @Test
    void readsV1Counters() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      fake.write(fake.cpuDir("/umbra-app").resolve("cpu.stat"), "nr_periods 120\nnr_throttled 30\nthrottled_time 4500000000\nnr_bursts 0\n");
      fake.write(fake.cpuDir("/umbra-app").resolve("cpu.cfs_quota_us"), "50000");
      fake.write(fake.memoryDir("/umbra-app").resolve("memory.usage_in_bytes"), "1048576");
      fake.write(fake.memoryDir("/umbra-app").resolve("memory.failcnt"), "7");
      fake.write(fake.memoryDir("/umbra-app").resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
      CgroupManager manager = fake.manager();

      CgroupStats stats = manager.stats(manager.adopt("/umbra-app"));

      assertThat(stats).isEqualTo(new CgroupStats(1048576, java.util.OptionalLong.empty(), java.util.OptionalDouble.of(0.5),
          120, 30, Duration.ofMillis(4500), 7, 2));
    }

    @Test
    void readsV2Counters() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v2(tmp);
      fake.cgroup("/umbra-app");
      fake.write(fake.cpuDir("/umbra-app").resolve("cpu.stat"), "usage_usec 9\nnr_periods 10\nnr_throttled 4\nthrottled_usec 250000\n");
      fake.write(fake.memoryDir("/umbra-app").resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
      fake.write(fake.memoryDir("/umbra-app").resolve("memory.max"), "67108864");
      fake.write(fake.memoryDir("/umbra-app").resolve("memory.current"), "4096");
      CgroupManager manager = fake.manager();

      CgroupStats stats = manager.stats(manager.adopt("/umbra-app"));

      assertThat(stats).isEqualTo(new CgroupStats(4096, java.util.OptionalLong.of(67108864), java.util.OptionalDouble.empty(),
          10, 4, Duration.ofMillis(250), 12, 1));
    }
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
