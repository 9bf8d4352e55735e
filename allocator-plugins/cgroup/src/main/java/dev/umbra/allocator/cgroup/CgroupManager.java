package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.ApplyResult;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Creates, fills, reads, limits and removes cgroups for primaries. This is what {@code umbra run}
 * (a cgroup per supervised primary) and {@code umbra serve --cpu/--memory} (the shadow isolating
 * itself) call; the {@code cgroup} allocator is built on it. Where the host has an I/O controller
 * (v1 {@code blkio}, v2 {@code io}) a cgroup it creates has a place in it too, so that its disk
 * bandwidth can be limited ({@link DiskLimits}).
 *
 * <p>Thread-safe: it holds only the detected layout; each call is blocking file I/O on cgroupfs.
 * Needs root (or a delegated subtree) to change anything.
 */
public final class CgroupManager {

  private static final System.Logger logger = System.getLogger(CgroupManager.class.getName());
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  /** The smallest disk bandwidth limit {@link #apply} accepts by default, bytes per second. */
  static final long DEFAULT_MIN_DISK = 1L << 20;

  private final Hierarchy hierarchy;
  private final Path proc;
  private final CgroupLimits limits;

  private CgroupManager(Hierarchy hierarchy, Path proc, CgroupLimits limits) {
    this.hierarchy = hierarchy;
    this.proc = proc;
    this.limits = limits;
  }

  /**
   * Detects the host's cgroup layout from {@code /proc/self/mountinfo}, with the default minimums
   * (0.01 cores, 16 MiB, 1 MiB/s of disk bandwidth), limiting disk bandwidth on every physical disk.
   *
   * @return a manager
   * @throws AllocatorException ({@link Reason#UNAVAILABLE_HERE}) if no hierarchy offers cpu and memory
   */
  public static CgroupManager detect() throws AllocatorException {
    return detect(Path.of("/proc"), 0.01, 16L << 20);
  }

  /**
   * Detects the layout from {@code <proc>/self/mountinfo}; {@code proc} is injectable so tests can
   * describe a fake hierarchy.
   *
   * @param proc the procfs root, normally {@code /proc}
   * @param minCpuCores the smallest CPU quota {@link #apply} accepts, in cores
   * @param minMemoryBytes the smallest memory limit {@link #apply} accepts, in bytes
   * @return a manager
   * @throws AllocatorException if mountinfo cannot be read or offers no usable hierarchy
   */
  public static CgroupManager detect(Path proc, double minCpuCores, long minMemoryBytes) throws AllocatorException {
    return detect(proc, BlockDevices.discovered(Path.of("/sys")), minCpuCores, minMemoryBytes, DEFAULT_MIN_DISK);
  }

  /**
   * Detects the layout from {@code <proc>/self/mountinfo}, with the disks whose bandwidth {@link
   * #apply} limits and its minimum.
   */
  static CgroupManager detect(Path proc, BlockDevices disks, double minCpuCores, long minMemoryBytes,
      long minDiskBytesPerSecond) throws AllocatorException {
    Objects.requireNonNull(proc, "proc");
    String mountinfo;
    try {
      mountinfo = Files.readString(proc.resolve("self/mountinfo"));
    } catch (IOException e) {
      throw new AllocatorException(Reason.UNAVAILABLE_HERE, "cannot read " + proc.resolve("self/mountinfo") + ": " + e, e);
    }
    Hierarchy hierarchy = Hierarchy.detect(mountinfo);
    DiskLimits disk = new DiskLimits(disks, minDiskBytesPerSecond, hierarchy.io.isPresent());
    return new CgroupManager(hierarchy, proc, new CgroupLimits(minCpuCores, minMemoryBytes, disk));
  }

  /**
   * Returns the interface in use.
   *
   * @return v1 or v2
   */
  public CgroupVersion version() {
    return hierarchy.version;
  }

  /**
   * Tells whether this host has an I/O controller, so that disk bandwidth can be limited: a v1
   * {@code blkio} mount, or {@code io} offered by the v2 root. A given cgroup may still lack it
   * (v2: {@code io} not enabled by its parent); {@link #apply} then says so.
   *
   * @return true if disk bandwidth limits can be set here
   */
  public boolean hasIoController() {
    return hierarchy.io.isPresent();
  }

  /**
   * Returns the calling process's own cgroup.
   *
   * @return the handle
   * @throws AllocatorException if {@code /proc/self/cgroup} cannot be read
   */
  public Cgroup own() throws AllocatorException {
    return ofProcess("self");
  }

  /**
   * Returns the cgroup a process is in, from {@code /proc/<pid>/cgroup}.
   *
   * @param pid the process id, &gt; 0
   * @return the handle
   * @throws AllocatorException ({@link Reason#TARGET_GONE}) if the process does not exist
   */
  public Cgroup ofPid(long pid) throws AllocatorException {
    if (pid <= 0) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "pid must be > 0, was " + pid);
    }
    return ofProcess(Long.toString(pid));
  }

  private Cgroup ofProcess(String pid) throws AllocatorException {
    Path file = proc.resolve(pid).resolve("cgroup");
    String content;
    try {
      content = Files.readString(file);
    } catch (IOException e) {
      throw new AllocatorException(Reason.TARGET_GONE, "process " + pid + " does not exist (cannot read " + file + ")", e);
    }
    return hierarchy.cgroup(hierarchy.paths(content));
  }

  /**
   * Adopts an existing cgroup by its path, the same path in the CPU and memory hierarchies (and in
   * the I/O hierarchy, if it has a directory there).
   *
   * @param path for example {@code /umbra-app}; must start with {@code /} and not contain {@code ..}
   * @return the handle
   * @throws AllocatorException ({@link Reason#TARGET_GONE}) if it does not exist, {@link
   *     Reason#INVALID_REQUEST} for a bad path
   */
  public Cgroup adopt(String path) throws AllocatorException {
    checkPath(path);
    Cgroup withIo = hierarchy.cgroup(new Hierarchy.Paths(path, path, hierarchy.io.map(m -> path)));
    Cgroup cgroup = withIo.ioDirectory().map(Files::isDirectory).orElse(false) ? withIo
        : hierarchy.cgroup(new Hierarchy.Paths(path, path, Optional.empty()));
    for (Path dir : directories(cgroup)) {
      if (!Files.isDirectory(dir)) {
        throw new AllocatorException(Reason.TARGET_GONE, "cgroup " + path + " does not exist (no " + dir + ")"
            + (hierarchy.version == CgroupVersion.V1 ? "; under v1 a process's cgroup can differ per controller, so "
                + "target it by pid instead" : ""));
      }
    }
    return cgroup;
  }

  /**
   * Creates {@code umbra-<name>} under the caller's own cgroup.
   *
   * @param name the primary's name: letters, digits, {@code . _ -}, at most 100 characters
   * @return the new, empty cgroup, with no limits set
   * @throws AllocatorException if it already exists, the name is bad, or the kernel refuses
   */
  public Cgroup create(String name) throws AllocatorException {
    return create(name, own());
  }

  /**
   * Creates {@code umbra-<name>} under a parent. Under v2 the parent must be able to delegate the
   * cpu and memory controllers to children: either the root or a cgroup without processes of its
   * own ("no internal processes"); this enables them (and io, where the parent has it) in its
   * {@code cgroup.subtree_control} if needed. Under v1 it is made in the cpu and memory
   * hierarchies and, where blkio is mounted and the parent has a place in it, in blkio too; the
   * cgroup is made without that one if it cannot be (its disk bandwidth then cannot be limited).
   *
   * @param name the primary's name: letters, digits, {@code . _ -}, at most 100 characters
   * @param parent where to create it
   * @return the new, empty cgroup, with no limits set
   * @throws AllocatorException ({@link Reason#INVALID_REQUEST}) if it already exists or the name is
   *     bad; {@link Reason#UNAVAILABLE_HERE} if the controllers cannot be delegated
   */
  public Cgroup create(String name, Cgroup parent) throws AllocatorException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new AllocatorException(Reason.INVALID_REQUEST,
          "cgroup name '" + name + "' must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    CgroupLimits.requireExists(parent);
    String leaf = "umbra-" + name;
    Cgroup cgroup = hierarchy.cgroup(new Hierarchy.Paths(child(parent.cpuPath(), leaf), child(parent.memoryPath(), leaf),
        parent.ioPath().map(p -> child(p, leaf))));
    if (hierarchy.version == CgroupVersion.V2) {
      CgroupTree.enableControllers(parent);
    }
    List<Path> made = new ArrayList<>();
    try {
      for (Path dir : List.of(cgroup.cpuDirectory(), cgroup.memoryDirectory())) {
        if (!made.contains(dir)) {
          Files.createDirectory(dir);
          made.add(dir);
        }
      }
      cgroup = withIoDirectory(cgroup, made);
    } catch (FileAlreadyExistsException e) {
      CgroupTree.undo(made);
      throw new AllocatorException(Reason.INVALID_REQUEST, cgroup + " already exists; adopt it or choose another name", e);
    } catch (AccessDeniedException e) {
      CgroupTree.undo(made);
      throw new AllocatorException(Reason.FORBIDDEN, "not allowed to create " + cgroup
          + " (run as root or delegate " + parent + ")", e);
    } catch (IOException e) {
      CgroupTree.undo(made);
      throw new AllocatorException(Reason.FAILED, "cannot create " + cgroup + ": " + e, e);
    }
    if (hierarchy.version == CgroupVersion.V1) {
      CgroupTree.chargeMovedPages(cgroup);
    }
    return cgroup;
  }

  /** Makes the v1 blkio directory, if the cgroup has one of its own there; without it if that fails. */
  private Cgroup withIoDirectory(Cgroup cgroup, List<Path> made) throws FileAlreadyExistsException {
    Optional<Path> io = cgroup.ioDirectory();
    if (io.isEmpty() || made.contains(io.get())) {
      return cgroup;
    }
    try {
      Files.createDirectory(io.get());
      made.add(io.get());
      return cgroup;
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      logger.log(System.Logger.Level.WARNING, "cannot create " + io.get() + " (" + e + "); " + cgroup
          + " is made without the blkio controller, so its disk bandwidth cannot be limited");
      return hierarchy.cgroup(new Hierarchy.Paths(cgroup.cpuPath(), cgroup.memoryPath(), Optional.empty()));
    }
  }

  /**
   * Moves a process (all its threads) into a cgroup, in each of its hierarchies.
   *
   * @param cgroup the destination
   * @param pid the process id
   * @throws AllocatorException ({@link Reason#TARGET_GONE}) if the process or cgroup is gone
   */
  public void movePid(Cgroup cgroup, long pid) throws AllocatorException {
    if (pid <= 0) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "pid must be > 0, was " + pid);
    }
    CgroupLimits.requireExists(cgroup);
    for (Path dir : directories(cgroup)) {
      CgroupFiles.write(cgroup, dir.resolve("cgroup.procs"), Long.toString(pid));
    }
  }

  /**
   * Lists the processes in a cgroup (its memory controller's view).
   *
   * @param cgroup the cgroup
   * @return process ids, possibly empty
   * @throws AllocatorException if it is gone
   */
  public List<Long> pids(Cgroup cgroup) throws AllocatorException {
    return CgroupTree.pids(cgroup, cgroup.memoryDirectory());
  }

  /**
   * Reads the limits in effect.
   *
   * @param cgroup the cgroup
   * @return CPU quota in cores, memory limit in bytes, disk read and write bandwidth in bytes per
   *     second (the highest limit on the throttled disks; absent when one of them has none or there
   *     is no I/O controller); absent when unlimited
   * @throws AllocatorException ({@link Reason#TARGET_GONE}) if it is gone
   */
  public Allocation limits(Cgroup cgroup) throws AllocatorException {
    return limits.read(cgroup);
  }

  /**
   * Sets the CPU quota, memory limit and/or disk bandwidth, idempotently. The CPU period in place
   * is kept (100 ms by default); memory is rounded down to whole 4 KiB pages; disk bandwidth is
   * limited on each physical disk (or the configured devices), each one separately. Refused, with
   * nothing written, below the minimums, below current memory usage, for disk bandwidth of a root
   * cgroup or where there is no I/O controller.
   *
   * @param cgroup the cgroup
   * @param desired cpu, memory, disk read and/or disk write; heap is refused
   * @return {@code APPLIED} or {@code UNCHANGED}, with the limits read back
   * @throws AllocatorException if refused, the cgroup is gone, or the kernel refuses the value
   */
  public ApplyResult apply(Cgroup cgroup, Allocation desired) throws AllocatorException {
    return limits.apply(cgroup, desired);
  }

  /**
   * Removes every disk bandwidth limit of a cgroup, on every device that has one: writes {@code 0}
   * (v1) or {@code max} (v2). The allocator SPI has no way to ask for this (an absent value leaves a
   * limit as it is), as for CPU and memory.
   *
   * @param cgroup the cgroup
   * @return {@code APPLIED}, or {@code UNCHANGED} if it had none, with the limits read back
   * @throws AllocatorException ({@link Reason#UNAVAILABLE_HERE}) if it has no I/O controller, or
   *     the cgroup is gone
   */
  public ApplyResult removeDiskLimits(Cgroup cgroup) throws AllocatorException {
    return limits.removeDiskLimits(cgroup);
  }

  /**
   * Reads usage, limits and pressure counters.
   *
   * @param cgroup the cgroup
   * @return a snapshot
   * @throws AllocatorException ({@link Reason#TARGET_GONE}) if it is gone
   */
  public CgroupStats stats(Cgroup cgroup) throws AllocatorException {
    return CgroupStatsReader.read(cgroup);
  }

  /**
   * Removes a cgroup, first moving any process still in it to its parent. Removing one that is
   * already gone does nothing.
   *
   * @param cgroup the cgroup; not a hierarchy root
   * @throws AllocatorException if it has child cgroups, is a root, or the kernel keeps refusing
   */
  public void remove(Cgroup cgroup) throws AllocatorException {
    for (Path dir : directories(cgroup)) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      if (dir.equals(hierarchy.cpu.mountPoint()) || dir.equals(hierarchy.memory.mountPoint())
          || hierarchy.io.map(m -> dir.equals(m.mountPoint())).orElse(false)) {
        throw new AllocatorException(Reason.INVALID_REQUEST, "refusing to remove the root of a cgroup hierarchy: " + dir);
      }
      CgroupTree.removeDirectory(cgroup, dir);
    }
  }

  static List<Path> directories(Cgroup cgroup) {
    return cgroup.directories();
  }

  private static String child(String parent, String leaf) {
    return parent.endsWith("/") ? parent + leaf : parent + "/" + leaf;
  }

  static void checkPath(String path) throws AllocatorException {
    if (path == null || !path.startsWith("/") || path.contains("/../") || path.endsWith("/..")
        || path.contains("/./") || path.contains("//")) {
      throw new AllocatorException(Reason.INVALID_REQUEST,
          "cgroup path '" + path + "' must start with '/' and contain no '.', '..' or empty segments");
    }
  }
}
