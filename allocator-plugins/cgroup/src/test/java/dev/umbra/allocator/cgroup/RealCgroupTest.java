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
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the host's real cgroups: each test creates {@code umbra-test-<random>} under this JVM's
 * own cgroup (so the children stay inside whatever limits the test JVM runs under), starts real
 * processes in it, checks that the kernel and the JVM act on the limits, and removes it. Skipped,
 * with the reason, where no cgroup hierarchy with cpu and memory is mounted or it is not writable
 * (not root, read-only /sys/fs/cgroup, cgroup v2 without a delegated parent); the disk tests also
 * where there is no I/O controller or the temporary folder is on no physical disk.
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

  /** What a disk test measured: bytes per second without a limit, under it, and after it was removed. */
  private record Rates(double unlimited, double limited, double removed) {}

  private static final long DISK_LIMIT = 5L << 20;

  /**
   * The kernel holds a process's direct writes to the limit the allocator sets: {@code dd} rewrites
   * a 32 MiB file with O_DIRECT in a loop (v1 throttles only I/O its cgroup submits itself, not
   * buffered writes, which the kernel's writeback threads send later). Measured from the cgroup's
   * own counter of bytes written to the disk under the temporary folder.
   */
  @Test
  void kernelHoldsDirectWritesToTheDiskLimit(@TempDir Path dir) throws Exception {
    BlockDevices.Disk disk = throttleableDiskUnder(dir);
    Path file = dir.resolve("written");
    Rates rates = measureDisk(disk, false, Allocation.diskWrite(DISK_LIMIT), "sh", "-c",
        "while :; do dd if=/dev/zero of=" + file + " bs=1M count=32 oflag=direct conv=notrunc status=none || exit 1; done");

    assertLimited(rates, "write");
  }

  /** The same for reads: {@code dd} reads a 32 MiB file with O_DIRECT, so every read goes to the disk. */
  @Test
  void kernelHoldsDirectReadsToTheDiskLimit(@TempDir Path dir) throws Exception {
    BlockDevices.Disk disk = throttleableDiskUnder(dir);
    Path file = dir.resolve("read");
    Files.write(file, new byte[32 << 20]);
    Rates rates = measureDisk(disk, true, Allocation.diskRead(DISK_LIMIT), "sh", "-c",
        "while :; do dd if=" + file + " of=/dev/null bs=1M iflag=direct status=none || exit 1; done");

    assertLimited(rates, "read");
  }

  private static void assertLimited(Rates rates, String what) {
    String measured = String.format(java.util.Locale.ROOT,
        "direct %ss: %.1f MiB/s unlimited, %.2f MiB/s under a %d MiB/s limit, %.1f MiB/s after it was removed", what,
        rates.unlimited() / (1 << 20), rates.limited() / (1 << 20), DISK_LIMIT >> 20, rates.removed() / (1 << 20));
    System.out.println("RealCgroupTest: " + measured);
    Assumptions.assumeTrue(rates.unlimited() >= 4.0 * DISK_LIMIT,
        "the disk is too slow to show a limit of " + (DISK_LIMIT >> 20) + " MiB/s: " + measured);
    assertThat(rates.limited()).as(measured).isBetween(0.75 * DISK_LIMIT, 1.25 * DISK_LIMIT);
    assertThat(rates.limited()).as(measured).isLessThan(rates.unlimited() / 4);
    assertThat(rates.removed()).as(measured).isGreaterThan(4.0 * DISK_LIMIT);
  }

  /**
   * Starts the command in the test cgroup and measures its bytes per second on the disk: 1 s
   * without a limit, 4 s under the limit set through the {@code cgroup} allocator (after 1 s for
   * what was in flight), and 1 s after {@link CgroupManager#removeDiskLimits}.
   */
  private Rates measureDisk(BlockDevices.Disk disk, boolean read, Allocation limit, String... command) throws Exception {
    countBytes(disk, read);
    GatedProcess io = startInCgroup(command);
    Target target = Target.primary("disk-test").withPid(io.pid());
    await(() -> diskBytes(disk, read), bytes -> bytes > 0 || !io.isAlive());
    double unlimited = rate(disk, read, Duration.ofSeconds(1));
    try (Allocator allocator = Allocators.load("cgroup", AllocatorContext.of(Map.of()), getClass().getClassLoader())) {
      ApplyResult result = allocator.apply(target, limit);
      assertThat(result.status()).as(result.reason()).isEqualTo(ApplyResult.Status.APPLIED);
      assertThat(allocator.current(target)).as("the limit read back").isEqualTo(limit);
      Thread.sleep(1000);
      double limited = rate(disk, read, Duration.ofSeconds(4));
      ApplyResult removed = manager.removeDiskLimits(cgroup);
      assertThat(removed.reason()).contains("removed the disk limits " + disk.id());
      assertThat(allocator.current(target).diskReadBytesPerSecond()).isEmpty();
      assertThat(allocator.current(target).diskWriteBytesPerSecond()).isEmpty();
      countBytes(disk, read);
      double after = rate(disk, read, Duration.ofSeconds(1));
      assertThat(io.isAlive()).as("the reading or writing process still runs; output %s", io.output()).isTrue();
      return new Rates(unlimited, limited, after);
    }
  }

  private double rate(BlockDevices.Disk disk, boolean read, Duration window) throws Exception {
    long before = diskBytes(disk, read);
    long start = System.nanoTime();
    Thread.sleep(window.toMillis());
    long bytes = diskBytes(disk, read) - before;
    return bytes / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * On cgroup v1 the kernel counts a cgroup's bytes on a disk in {@code blkio.throttle.io_service_bytes}
   * only while a throttle rule for that disk exists (seen on Linux 6.18: with no rule the counters
   * stay 0 while {@code dd} writes 32 MiB with O_DIRECT); so before measuring without the
   * allocator's limit the test sets one that never throttles, 1 TiB/s. The allocator's limit
   * replaces it, and removing the limits removes it.
   */
  private void countBytes(BlockDevices.Disk disk, boolean read) throws Exception {
    if (cgroup.version() == CgroupVersion.V1) {
      Files.writeString(cgroup.ioDirectory().orElseThrow().resolve(
          read ? "blkio.throttle.read_bps_device" : "blkio.throttle.write_bps_device"), disk.id() + " " + (1L << 40));
    }
  }

  /** Bytes the test cgroup read or wrote on the disk so far: v1 {@code blkio.throttle.io_service_bytes}, v2 {@code io.stat}. */
  private long diskBytes(BlockDevices.Disk disk, boolean read) throws Exception {
    Path dir = cgroup.ioDirectory().orElseThrow();
    if (cgroup.version() == CgroupVersion.V1) {
      for (String line : Files.readAllLines(dir.resolve("blkio.throttle.io_service_bytes"))) {
        String[] f = line.strip().split("\\s+");
        if (f.length == 3 && f[0].equals(disk.id()) && f[1].equals(read ? "Read" : "Write")) {
          return Long.parseLong(f[2]);
        }
      }
      return 0;
    }
    for (String line : Files.readAllLines(dir.resolve("io.stat"))) {
      if (line.startsWith(disk.id() + " ")) {
        return DiskFiles.parseV2(line, read ? "rbytes" : "wbytes").getOrDefault(disk.id(), 0L);
      }
    }
    return 0;
  }

  /**
   * The whole disk the folder is on, if the allocator limits it; else the test is skipped, with
   * the reason (tmpfs and overlay have no block device; dm, md and loop devices are not limited
   * themselves, their physical disks are).
   */
  private BlockDevices.Disk throttleableDiskUnder(Path dir) throws Exception {
    Assumptions.assumeTrue(manager.hasIoController() && DiskFiles.available(cgroup),
        "no I/O controller for " + cgroup + " (no blkio mount, or io not enabled), so disk limits cannot be tested");
    long dev = (Long) Files.getAttribute(dir, "unix:dev");
    long major = ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
    long minor = ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
    Path block = Path.of("/sys/dev/block/" + major + ":" + minor);
    Assumptions.assumeTrue(Files.exists(block), dir + " is on device " + major + ":" + minor
        + ", which is no block device (tmpfs, overlay, a network file system), so its I/O cannot be throttled");
    Path device = block.toRealPath();
    Path whole = Files.exists(device.resolve("partition")) ? device.getParent() : device;
    BlockDevices.Disk disk = new BlockDevices.Disk(whole.getFileName().toString(), Files.readString(whole.resolve("dev")).strip());
    List<BlockDevices.Disk> limited = BlockDevices.discovered(Path.of("/sys")).disks();
    Assumptions.assumeTrue(limited.contains(disk), dir + " is on " + disk + ", not one of the physical whole disks the "
        + "allocator limits " + limited + " (a dm, md or loop device?), so this test cannot measure it");
    return disk;
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
