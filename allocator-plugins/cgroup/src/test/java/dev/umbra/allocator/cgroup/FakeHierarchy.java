package dev.umbra.allocator.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cgroup hierarchy made of plain files in a temporary folder, with the procfs files that
 * describe it and a sysfs with one physical disk ({@code vda}, 254:0) beside virtual and empty
 * ones. It checks what we read and write, not what the kernel does with it (a write replaces a
 * file's content, where the kernel would merge a device's line): the real kernel is exercised by
 * {@link RealCgroupTest}.
 */
final class FakeHierarchy {

  final Path root;
  final Path proc;
  final CgroupVersion version;

  private FakeHierarchy(Path root, CgroupVersion version) {
    this.root = root;
    this.proc = root.resolve("proc");
    this.version = version;
  }

  /**
   * v1 with cpu and cpuacct co-mounted, memory and blkio alone, and an empty cgroup2 beside them
   * (hybrid).
   */
  static FakeHierarchy v1(Path tmp) {
    FakeHierarchy fake = v1WithoutBlkio(tmp);
    Path cg = tmp.resolve("sys fs/cgroup");
    fake.write("proc/self/mountinfo", fake.read(fake.proc.resolve("self/mountinfo")) + "\n"
        + "38 31 0:35 / " + esc(cg.resolve("blkio")) + " rw,relatime shared:15 - cgroup cgroup rw,blkio\n");
    fake.write("proc/self/cgroup", "7:blkio:/\n" + fake.read(fake.proc.resolve("self/cgroup")) + "\n");
    fake.v1Dir("blkio", "/");
    return fake;
  }

  /** {@link #v1} without a blkio hierarchy. */
  static FakeHierarchy v1WithoutBlkio(Path tmp) {
    FakeHierarchy fake = new FakeHierarchy(tmp, CgroupVersion.V1);
    Path cg = tmp.resolve("sys fs/cgroup");
    fake.write("proc/self/mountinfo", String.join("\n",
        "22 1 0:21 / /proc rw,nosuid - proc proc rw",
        "31 23 0:28 / " + esc(cg) + " rw,relatime - tmpfs tmpfs rw,mode=755",
        "32 31 0:29 / " + esc(cg.resolve("cpu,cpuacct")) + " rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct",
        "35 31 0:32 / " + esc(cg.resolve("memory")) + " rw,relatime shared:12 master:1 - cgroup cgroup rw,memory",
        "41 31 0:38 / " + esc(cg.resolve("unified")) + " rw,relatime - cgroup2 cgroup2 rw",
        ""));
    fake.write("proc/self/cgroup", "4:memory:/user.slice\n2:cpu,cpuacct:/\n0::/\n");
    fake.v1Dir("cpu,cpuacct", "/");
    fake.v1Dir("memory", "/");
    fake.v1Dir("memory", "/user.slice");
    fake.disks();
    return fake;
  }

  /**
   * {@code sys/block}: vda (254:0), a physical disk; sr0 (11:0), a drive without media; loop0,
   * zram0 and dm-0, virtual devices without a {@code device} link.
   */
  private void disks() {
    disk("vda", "254:0", 104857600, true);
    disk("sr0", "11:0", 0, true);
    disk("loop0", "7:0", 2048, false);
    disk("zram0", "252:0", 8388608, false);
    disk("dm-0", "253:0", 104857600, false);
  }

  /** Adds a block device to {@code sys/block}: its dev, size in 512-byte sectors and, if physical, a device link. */
  void disk(String name, String id, long sectors, boolean physical) {
    Path dir = root.resolve("sys/block").resolve(name);
    write(dir.resolve("dev"), id + "\n");
    write(dir.resolve("size"), sectors + "\n");
    if (physical) {
      write(dir.resolve("device/vendor"), "0x1af4\n");
    }
  }

  /** v2 only, with cpu and memory offered at the root. */
  static FakeHierarchy v2(Path tmp) {
    FakeHierarchy fake = new FakeHierarchy(tmp, CgroupVersion.V2);
    Path cg = tmp.resolve("cgroup");
    fake.write("proc/self/mountinfo", "30 23 0:26 / " + esc(cg) + " rw,nosuid,nodev - cgroup2 cgroup2 rw,nsdelegate\n");
    fake.write("proc/self/cgroup", "0::/init.scope\n");
    fake.write("cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
    fake.v2Dir("/");
    fake.v2Dir("/init.scope");
    fake.disks();
    return fake;
  }

  private static String esc(Path path) {
    return path.toString().replace(" ", "\\040");
  }

  Path v1Dir(String mount, String path) {
    Path dir = root.resolve("sys fs/cgroup").resolve(mount).resolve(path.substring(1));
    write(dir.resolve("cgroup.procs"), "");
    if (mount.startsWith("cpu")) {
      write(dir.resolve("cpu.cfs_quota_us"), "-1\n");
      write(dir.resolve("cpu.cfs_period_us"), "100000\n");
      write(dir.resolve("cpu.stat"), "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n");
    } else if (mount.equals("blkio")) {
      write(dir.resolve("blkio.throttle.read_bps_device"), "");
      write(dir.resolve("blkio.throttle.write_bps_device"), "");
    } else {
      write(dir.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
      write(dir.resolve("memory.memsw.limit_in_bytes"), "9223372036854771712\n");
      write(dir.resolve("memory.usage_in_bytes"), "0\n");
      write(dir.resolve("memory.failcnt"), "0\n");
      write(dir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    }
    return dir;
  }

  Path v2Dir(String path) {
    Path dir = root.resolve("cgroup").resolve(path.substring(1));
    write(dir.resolve("cgroup.procs"), "");
    write(dir.resolve("cgroup.subtree_control"), "");
    write(dir.resolve("cpu.max"), "max 100000\n");
    write(dir.resolve("cpu.stat"), "usage_usec 0\nuser_usec 0\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
    write(dir.resolve("memory.max"), "max\n");
    write(dir.resolve("memory.current"), "0\n");
    write(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
    if (!path.equals("/")) { // the root has no io.max; a child has one once its parent enables io
      write(dir.resolve("io.max"), "");
    }
    return dir;
  }

  /** A cgroup at the same path under cpu, memory and (if mounted) blkio (v1) or in the unified tree (v2). */
  void cgroup(String path) {
    if (version == CgroupVersion.V1) {
      v1Dir("cpu,cpuacct", path);
      v1Dir("memory", path);
      if (Files.isDirectory(root.resolve("sys fs/cgroup/blkio"))) {
        v1Dir("blkio", path);
      }
    } else {
      v2Dir(path);
    }
  }

  Path memoryDir(String path) {
    return version == CgroupVersion.V1
        ? root.resolve("sys fs/cgroup/memory").resolve(path.substring(1))
        : root.resolve("cgroup").resolve(path.substring(1));
  }

  /** Where the disk limits of a cgroup are: its blkio directory (v1) or its unified one (v2). */
  Path ioDir(String path) {
    return version == CgroupVersion.V1
        ? root.resolve("sys fs/cgroup/blkio").resolve(path.substring(1))
        : root.resolve("cgroup").resolve(path.substring(1));
  }

  Path cpuDir(String path) {
    return version == CgroupVersion.V1
        ? root.resolve("sys fs/cgroup/cpu,cpuacct").resolve(path.substring(1))
        : root.resolve("cgroup").resolve(path.substring(1));
  }

  void write(String relative, String content) {
    write(root.resolve(relative), content);
  }

  void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  CgroupManager manager() throws dev.umbra.allocator.AllocatorException {
    return CgroupManager.detect(proc, BlockDevices.discovered(root.resolve("sys")), 0.01, 16L << 20, 1L << 20);
  }
}
