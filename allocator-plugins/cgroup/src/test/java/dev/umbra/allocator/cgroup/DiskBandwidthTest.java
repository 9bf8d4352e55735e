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
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disk bandwidth limits against fake hierarchies: which disks, what is written and read back, v1 and v2. */
class DiskBandwidthTest {

  private static final long MIB = 1L << 20;

  @TempDir Path tmp;

  @Nested
  class Disks {

    @Test
    void listsThePhysicalWholeDisks_notVirtualOnesOrDrivesWithoutMedia() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.disk("nvme0n1", "259:0", 2000, true);

      List<BlockDevices.Disk> disks = BlockDevices.discovered(tmp.resolve("sys")).disks();

      assertThat(disks).containsExactly(new BlockDevices.Disk("nvme0n1", "259:0"), new BlockDevices.Disk("vda", "254:0"));
    }

    @Test
    void takesAConfiguredList_andRefusesWhatIsNotMajorMinor() throws AllocatorException {
      assertThat(BlockDevices.configured(List.of("8:0", "259:0")).disks()).extracting(BlockDevices.Disk::id)
          .containsExactly("8:0", "259:0");
      assertThatThrownBy(() -> BlockDevices.configured(List.of("sda")))
          .hasMessageContaining("setting devices: 'sda' is not major:minor");
    }

    @Test
    void parsesTheKernelsFormats() {
      assertThat(DiskFiles.parseV1("254:0 5242880\n8:0 0\n")).isEqualTo(Map.of("254:0", 5242880L));
      String ioMax = "254:0 rbps=5242880 wbps=max riops=max wiops=max\n8:16 rbps=max wbps=1048576 riops=100 wiops=max\n";
      assertThat(DiskFiles.parseV2(ioMax, "rbps")).isEqualTo(Map.of("254:0", 5242880L));
      assertThat(DiskFiles.parseV2(ioMax, "wbps")).isEqualTo(Map.of("8:16", 1048576L));
      assertThat(DiskFiles.parseV2("", "rbps")).isEmpty();
    }
  }

  @Nested
  class V1 {

    @Test
    void limitsEachPhysicalDisk_readsTheLimitBack_andIsIdempotent() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");

      ApplyResult result = manager.apply(cgroup, Allocation.diskRead(10 * MIB).withDiskWriteBytesPerSecond(5 * MIB));

      Path dir = fake.ioDir("/umbra-app");
      assertThat(fake.read(dir.resolve("blkio.throttle.read_bps_device"))).isEqualTo("254:0 10485760");
      assertThat(fake.read(dir.resolve("blkio.throttle.write_bps_device"))).isEqualTo("254:0 5242880");
      assertThat(result.status()).isEqualTo(ApplyResult.Status.APPLIED);
      assertThat(result.reason()).contains("disk read limit unlimited -> 10MiB/s on vda (254:0)",
          "disk write limit unlimited -> 5MiB/s on vda (254:0)");
      assertThat(result.inEffect()).isEqualTo(Allocation.diskRead(10 * MIB).withDiskWriteBytesPerSecond(5 * MIB));
      assertThat(manager.apply(cgroup, Allocation.diskWrite(5 * MIB)).status()).isEqualTo(ApplyResult.Status.UNCHANGED);
    }

    @Test
    void reportsTheHighestLimit_orNoneWhenADiskIsUnlimited() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.disk("vdb", "254:16", 2000, true);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");
      Path dir = fake.ioDir("/umbra-app");

      fake.write(dir.resolve("blkio.throttle.read_bps_device"), "254:0 10485760\n254:16 5242880\n");
      fake.write(dir.resolve("blkio.throttle.write_bps_device"), "254:0 5242880\n");

      assertThat(manager.limits(cgroup).diskReadBytesPerSecond()).hasValue(10 * MIB);
      assertThat(manager.limits(cgroup).diskWriteBytesPerSecond()).as("vdb has no write limit").isEmpty();
    }

    @Test
    void removesTheLimits_byWritingZero() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");
      manager.apply(cgroup, Allocation.diskWrite(5 * MIB));

      ApplyResult removed = manager.removeDiskLimits(cgroup);

      assertThat(fake.read(fake.ioDir("/umbra-app").resolve("blkio.throttle.write_bps_device"))).isEqualTo("254:0 0");
      assertThat(removed.reason()).contains("removed the disk limits 254:0 write 5MiB/s");
      assertThat(removed.inEffect().diskWriteBytesPerSecond()).isEmpty();
      assertThat(manager.removeDiskLimits(cgroup).status()).isEqualTo(ApplyResult.Status.UNCHANGED);
    }

    @Test
    void refusesTheRootBlkioCgroup_andBelowTheMinimum_writingNothing() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();

      assertThatThrownBy(() -> manager.apply(manager.adopt("/"), Allocation.diskWrite(5 * MIB)))
          .hasMessageContaining("refusing to limit the disk bandwidth of the root blkio cgroup")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.INVALID_REQUEST);
      assertThatThrownBy(() -> manager.apply(manager.adopt("/umbra-app"), Allocation.of(1, 64 * MIB).withDiskReadBytesPerSecond(1000)))
          .hasMessageContaining("disk read 1000B/s is below the minimum of 1MiB/s (setting minDisk); nothing applied");
      assertThat(fake.read(fake.ioDir("/").resolve("blkio.throttle.write_bps_device"))).isEmpty();
      assertThat(fake.read(fake.cpuDir("/umbra-app").resolve("cpu.cfs_quota_us"))).isEqualTo("-1");
    }

    @Test
    void putsTheDiskLimitsAndQuotaBack_whenTheMemoryWriteFails() throws Exception {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      // an unreadable memsw limit makes the memory step, the last, fail (as in CgroupManagerTest)
      Path memsw = fake.memoryDir("/umbra-app").resolve("memory.memsw.limit_in_bytes");
      Files.delete(memsw);
      Files.createDirectory(memsw);
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");

      assertThatThrownBy(() -> manager.apply(cgroup, Allocation.of(1, 64 * MIB).withDiskWriteBytesPerSecond(5 * MIB)))
          .isInstanceOf(AllocatorException.class);
      assertThat(fake.read(fake.ioDir("/umbra-app").resolve("blkio.throttle.write_bps_device"))).isEqualTo("254:0 0");
      assertThat(fake.read(fake.cpuDir("/umbra-app").resolve("cpu.cfs_quota_us"))).isEqualTo("-1");
      assertThat(manager.limits(cgroup)).isEqualTo(Allocation.empty());
    }

    @Test
    void createsTheCgroupInTheBlkioHierarchyToo_andMovesProcessesThere() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      CgroupManager manager = fake.manager();

      Cgroup created = manager.create("app");
      created.directories().forEach(dir -> fake.write(dir.resolve("cgroup.procs"), "")); // the kernel's files
      manager.movePid(created, 4242);

      assertThat(created.ioPath()).hasValue("/umbra-app");
      assertThat(created.toString()).isEqualTo("cgroup v1 cpu:/umbra-app memory:/user.slice/umbra-app blkio:/umbra-app");
      assertThat(fake.read(fake.ioDir("/umbra-app").resolve("cgroup.procs"))).isEqualTo("4242");
    }

    @Test
    void saysThereIsNoBlkioHierarchy_butStillReadsCpuAndMemory() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1WithoutBlkio(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");

      assertThat(manager.hasIoController()).isFalse();
      assertThat(manager.limits(cgroup)).isEqualTo(Allocation.empty());
      assertThatThrownBy(() -> manager.apply(cgroup, Allocation.diskWrite(5 * MIB)))
          .hasMessageContaining("this host mounts no blkio cgroup hierarchy")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.UNAVAILABLE_HERE);
    }

    @Test
    void saysTheCgroupHasNoBlkioDirectory_whenItWasMadeWithoutOne() throws Exception {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      CgroupManagerTest.deleteTree(fake.ioDir("/umbra-app"));
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");

      assertThat(cgroup.ioPath()).isEmpty();
      assertThatThrownBy(() -> manager.apply(cgroup, Allocation.diskRead(5 * MIB)))
          .hasMessageContaining("has no blkio cgroup of its own")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.UNAVAILABLE_HERE);
    }
  }

  @Nested
  class V2 {

    @Test
    void writesIoMax_andRemovesWithMax() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v2(tmp);
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");
      Path ioMax = fake.ioDir("/umbra-app").resolve("io.max");

      ApplyResult result = manager.apply(cgroup, Allocation.diskRead(10 * MIB).withDiskWriteBytesPerSecond(5 * MIB));

      assertThat(fake.read(ioMax)).isEqualTo("254:0 rbps=10485760 wbps=5242880");
      assertThat(result.inEffect().diskReadBytesPerSecond()).hasValue(10 * MIB);
      assertThat(result.inEffect().diskWriteBytesPerSecond()).hasValue(5 * MIB);

      fake.write(ioMax, "254:0 rbps=10485760 wbps=5242880 riops=max wiops=max\n"); // as the kernel shows it
      manager.removeDiskLimits(cgroup);

      assertThat(fake.read(ioMax)).isEqualTo("254:0 rbps=max wbps=max");
      assertThat(manager.limits(cgroup).diskReadBytesPerSecond()).isEmpty();
    }

    @Test
    void saysTheIoControllerIsNotEnabled_andStillReadsCpuAndMemory() throws Exception {
      FakeHierarchy fake = FakeHierarchy.v2(tmp);
      fake.cgroup("/umbra-app");
      Files.delete(fake.ioDir("/umbra-app").resolve("io.max"));
      CgroupManager manager = fake.manager();
      Cgroup cgroup = manager.adopt("/umbra-app");

      assertThat(manager.limits(cgroup)).isEqualTo(Allocation.empty());
      assertThatThrownBy(() -> manager.apply(cgroup, Allocation.diskWrite(5 * MIB)))
          .hasMessageContaining("the io controller is not enabled for cgroup v2 /umbra-app")
          .hasMessageContaining("add +io to " + fake.ioDir("/").resolve("cgroup.subtree_control"))
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.UNAVAILABLE_HERE);
    }

    @Test
    void saysTheHierarchyOffersNoIo() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v2(tmp);
      fake.write("cgroup/cgroup.controllers", "cpuset cpu memory pids\n");
      fake.cgroup("/umbra-app");
      CgroupManager manager = fake.manager();

      assertThat(manager.hasIoController()).isFalse();
      assertThatThrownBy(() -> manager.apply(manager.adopt("/umbra-app"), Allocation.diskWrite(5 * MIB)))
          .hasMessageContaining("does not offer the io controller");
    }
  }

  @Nested
  class ThroughTheAllocator {

    private Allocator open(FakeHierarchy fake) throws AllocatorException {
      return Allocators.load("cgroup", AllocatorContext.of(Map.of("proc", fake.proc.toString(),
          "sys", tmp.resolve("sys").toString(), "minDisk", "2m")), getClass().getClassLoader());
    }

    @Test
    void supportsDiskKinds_whereThereIsAnIoController() throws AllocatorException {
      try (Allocator with = open(FakeHierarchy.v1(tmp))) {
        assertThat(with.supports()).contains(ResourceKind.DISK_READ, ResourceKind.DISK_WRITE);
      }
    }

    @Test
    void supportsOnlyCpuAndMemory_withoutOne() throws AllocatorException {
      try (Allocator without = open(FakeHierarchy.v1WithoutBlkio(tmp))) {
        assertThat(without.supports()).containsExactlyInAnyOrder(ResourceKind.CPU, ResourceKind.MEMORY);
      }
    }

    @Test
    void limitsAProcessesOwnBlkioCgroup_andRefusesTheRootOne() throws AllocatorException {
      FakeHierarchy fake = FakeHierarchy.v1(tmp);
      fake.cgroup("/umbra-app");
      fake.write("proc/4242/cgroup", "7:blkio:/umbra-app\n4:memory:/umbra-app\n2:cpu,cpuacct:/umbra-app\n");
      fake.write("proc/4343/cgroup", "7:blkio:/\n4:memory:/umbra-app\n2:cpu,cpuacct:/umbra-app\n");

      try (Allocator allocator = open(fake)) {
        ApplyResult applied = allocator.apply(Target.primary("p").withPid(4242), Allocation.diskWrite(8 * MIB));

        assertThat(applied.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(allocator.current(Target.primary("p").withPid(4242)).diskWriteBytesPerSecond()).hasValue(8 * MIB);
        assertThatThrownBy(() -> allocator.apply(Target.primary("q").withPid(4343), Allocation.diskWrite(8 * MIB)))
            .hasMessageContaining("refusing to limit the disk bandwidth of the root blkio cgroup (cgroup v1 cpu:/umbra-app "
                + "memory:/umbra-app blkio:/)");
        assertThatThrownBy(() -> allocator.apply(Target.primary("p").withPid(4242), Allocation.diskWrite(1 * MIB)))
            .hasMessageContaining("below the minimum of 2MiB/s (setting minDisk)");
        assertThat(allocator.apply(Target.primary("q").withPid(4343), Allocation.cpu(1)).tookEffect())
            .as("cpu and memory of the same process are still set").isTrue();
      }
    }
  }
}
