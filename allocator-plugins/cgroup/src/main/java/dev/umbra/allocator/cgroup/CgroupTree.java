package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.AllocatorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Directory work behind {@link CgroupManager#create} and {@link CgroupManager#remove}. */
final class CgroupTree {

  private static final System.Logger logger = System.getLogger(CgroupTree.class.getName());
  /** rmdir of a cgroup that was just emptied can fail with EBUSY for a moment while tasks exit. */
  private static final int REMOVE_ATTEMPTS = 20;
  private static final Duration REMOVE_PAUSE = Duration.ofMillis(25);

  private CgroupTree() {}

  /**
   * Asks v1 to charge a moved process's existing pages to its new cgroup, so usage (and the "never
   * below usage" check) covers what it already holds. Linux deprecated this in 6.x and newer
   * kernels answer EINVAL (seen on 6.18); then only pages touched after the move are charged,
   * which is why {@code umbra run} moves the primary before it starts.
   */
  static void chargeMovedPages(Cgroup cgroup) {
    Path move = cgroup.memoryDirectory().resolve("memory.move_charge_at_immigrate");
    if (Files.exists(move)) {
      try {
        CgroupFiles.write(cgroup, move, "3");
      } catch (AllocatorException e) {
        logger.log(System.Logger.Level.DEBUG, "memory.move_charge_at_immigrate not supported: " + e.getMessage());
      }
    }
  }

  /**
   * Under v2, enables cpu and memory for the parent's children, and io too where the parent has it
   * (without it they cannot have disk limits, which {@link DiskLimits} then reports): in one write
   * where cpu or memory is missing, which takes all or nothing, then without io if that failed.
   */
  static void enableControllers(Cgroup parent) throws AllocatorException {
    Path subtree = parent.cpuDirectory().resolve("cgroup.subtree_control");
    Set<String> enabled = Hierarchy.controllers(subtree);
    boolean wantIo = !enabled.contains("io")
        && Hierarchy.controllers(parent.cpuDirectory().resolve("cgroup.controllers")).contains("io");
    boolean needed = !enabled.contains("cpu") || !enabled.contains("memory");
    if (wantIo && tryWrite(parent, subtree, needed ? "+cpu +memory +io" : "+io") || !needed) {
      return;
    }
    try {
      CgroupFiles.write(parent, subtree, "+cpu +memory");
    } catch (AllocatorException e) {
      throw new AllocatorException(Reason.UNAVAILABLE_HERE, "cannot delegate cpu and memory to children of " + parent
          + " (" + e.getMessage() + "); under cgroup v2 a cgroup with processes of its own cannot, so choose a "
          + "delegated parent without processes (for example from systemd-run --scope -p Delegate=yes)", e);
    }
  }

  private static boolean tryWrite(Cgroup cgroup, Path file, String value) {
    try {
      CgroupFiles.write(cgroup, file, value);
      return true;
    } catch (AllocatorException e) {
      logger.log(System.Logger.Level.DEBUG, "writing " + value + " to " + file + " failed: " + e.getMessage());
      return false;
    }
  }

  static List<Long> pids(Cgroup cgroup, Path dir) throws AllocatorException {
    List<Long> pids = new ArrayList<>();
    for (String line : CgroupFiles.read(cgroup, dir.resolve("cgroup.procs")).split("\n")) {
      if (!line.isBlank()) {
        pids.add(Long.parseLong(line.strip()));
      }
    }
    return pids;
  }

  static void removeDirectory(Cgroup cgroup, Path dir) throws AllocatorException {
    Path parentProcs = dir.getParent().resolve("cgroup.procs");
    for (int attempt = 1; ; attempt++) {
      for (long pid : pids(cgroup, dir)) {
        try {
          CgroupFiles.write(cgroup, parentProcs, Long.toString(pid));
        } catch (AllocatorException e) {
          if (e.reason() != Reason.TARGET_GONE) { // a process that exited meanwhile is fine
            throw e;
          }
        }
      }
      try {
        Files.delete(dir);
        return;
      } catch (NoSuchFileException gone) {
        return;
      } catch (IOException e) {
        if (attempt == REMOVE_ATTEMPTS) {
          throw new AllocatorException(Reason.FAILED, "cannot remove " + dir + " after " + attempt
              + " attempts (child cgroups, or processes that keep arriving?): " + e, e);
        }
        pause();
      }
    }
  }

  private static void pause() throws AllocatorException {
    try {
      Thread.sleep(REMOVE_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AllocatorException(Reason.FAILED, "interrupted while removing a cgroup", e);
    }
  }

  static void undo(List<Path> made) {
    for (Path dir : made) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // best effort: the directory is empty and ours; report the original failure
      }
    }
  }
}
