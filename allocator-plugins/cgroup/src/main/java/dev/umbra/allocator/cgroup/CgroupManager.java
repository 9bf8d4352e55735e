package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.ApplyResult;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Creates, fills, reads, limits and removes cgroups for primaries. This is what {@code umbra run}
 * (a cgroup per supervised primary) and {@code umbra serve --cpu/--memory} (the shadow isolating
 * itself) call; the {@code cgroup} allocator is built on it.
 *
 * <p>Thread-safe: it holds only the detected layout; each call is blocking file I/O on cgroupfs.
 * Needs root (or a delegated subtree) to change anything.
 */
public final class CgroupManager {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

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
   * (0.01 cores, 16 MiB).
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
    Objects.requireNonNull(proc, "proc");
    String mountinfo;
    try {
      mountinfo = Files.readString(proc.resolve("self/mountinfo"));
    } catch (IOException e) {
      throw new AllocatorException(Reason.UNAVAILABLE_HERE, "cannot read " + proc.resolve("self/mountinfo") + ": " + e, e);
    }
    return new CgroupManager(Hierarchy.detect(mountinfo), proc, new CgroupLimits(minCpuCores, minMemoryBytes));
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
    String[] paths = hierarchy.paths(content);
    return hierarchy.cgroup(paths[0], paths[1]);
  }

  /**
   * Adopts an existing cgroup by its path, the same path in the CPU and memory hierarchies.
   *
   * @param path for example {@code /umbra-app}; must start with {@code /} and not contain {@code ..}
   * @return the handle
   * @throws AllocatorException ({@link Reason#TARGET_GONE}) if it does not exist, {@link
   *     Reason#INVALID_REQUEST} for a bad path
   */
  public Cgroup adopt(String path) throws AllocatorException {
    checkPath(path);
    Cgroup cgroup = hierarchy.cgroup(path, path);
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
   * own ("no internal processes"); this enables them in its {@code cgroup.subtree_control} if
   * needed.
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
    Cgroup cgroup = hierarchy.cgroup(child(parent.cpuPath(), leaf), child(parent.memoryPath(), leaf));
    if (hierarchy.version == CgroupVersion.V2) {
      CgroupTree.enableControllers(parent);
    }
    List<Path> made = new ArrayList<>();
    try {
      for (Path dir : directories(cgroup)) {
        Files.createDirectory(dir);
        made.add(dir);
      }
    } catch (FileAlreadyExistsException e) {
      CgroupTree.undo(made);
      throw new AllocatorException(Reason.INVALID_REQUEST, cgroup + " already exists; adopt it or choose another name", e);
    } catch (java.nio.file.AccessDeniedException e) {
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

  /**
   * Moves a process (all its threads) into a cgroup.
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
   * @return CPU quota in cores and memory limit in bytes; absent when unlimited
   * @throws AllocatorException ({@link Reason#TARGET_GONE}) if it is gone
   */
  public Allocation limits(Cgroup cgroup) throws AllocatorException {
    return CgroupLimits.read(cgroup);
  }

  /**
   * Sets the CPU quota and/or memory limit, idempotently. The CPU period in place is kept (100 ms
   * by default); memory is rounded down to whole 4 KiB pages. Refused, with nothing written, below
   * the minimums or below current memory usage.
   *
   * @param cgroup the cgroup
   * @param desired cpu and/or memory; heap is refused
   * @return {@code APPLIED} or {@code UNCHANGED}, with the limits read back
   * @throws AllocatorException if refused, the cgroup is gone, or the kernel refuses the value
   */
  public ApplyResult apply(Cgroup cgroup, Allocation desired) throws AllocatorException {
    return limits.apply(cgroup, desired);
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
      if (dir.equals(hierarchy.cpu.mountPoint()) || dir.equals(hierarchy.memory.mountPoint())) {
        throw new AllocatorException(Reason.INVALID_REQUEST, "refusing to remove the root of a cgroup hierarchy: " + dir);
      }
      CgroupTree.removeDirectory(cgroup, dir);
    }
  }

  static Set<Path> directories(Cgroup cgroup) {
    Set<Path> dirs = new LinkedHashSet<>();
    dirs.add(cgroup.cpuDirectory());
    dirs.add(cgroup.memoryDirectory());
    return dirs;
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
