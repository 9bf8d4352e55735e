package dev.umbra.shadow.isolation;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.cgroup.Cgroup;
import dev.umbra.allocator.cgroup.CgroupManager;
import dev.umbra.allocator.cgroup.CgroupVersion;
import dev.umbra.shadow.config.ShadowConfig;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts this process into {@code umbra-shadow-<pid>}, a child of its own cgroup, with the CPU and
 * memory limits of {@link ShadowConfig.Limits}, and takes it out again (moving the process back
 * to the parent and removing the cgroup) on {@link #close()}. Under cgroup v2, when the own
 * cgroup cannot delegate controllers (it has processes of its own), the child goes under the
 * parent of the own cgroup instead. Cgroups left behind by shadows that were killed are removed
 * first.
 *
 * <p>Never fails the shadow: where cgroups are missing or not writable it logs one warning saying
 * why and the shadow runs without limits. Not thread-safe; {@link #close()} is idempotent.
 */
public final class SelfIsolation implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(SelfIsolation.class);
  static final String PREFIX = "shadow-";
  private static final Pattern LEFTOVER = Pattern.compile("umbra-shadow-(\\d+)");

  private final Optional<CgroupManager> manager;
  private final Optional<Cgroup> cgroup;
  private boolean closed;

  private SelfIsolation(Optional<CgroupManager> manager, Optional<Cgroup> cgroup) {
    this.manager = manager;
    this.cgroup = cgroup;
  }

  /** Nothing to undo: no limits were asked for, or they could not be applied. */
  public static SelfIsolation none() {
    return new SelfIsolation(Optional.empty(), Optional.empty());
  }

  /** Isolates this process on the host's cgroups when limits are set. */
  public static SelfIsolation apply(ShadowConfig.Limits limits) {
    return apply(limits, CgroupManager::detect, ProcessHandle.current().pid());
  }

  /**
   * @param detect finds the cgroup layout (a fake hierarchy in tests)
   * @param pid the process to isolate: this one, outside tests
   */
  static SelfIsolation apply(ShadowConfig.Limits limits, Detector detect, long pid) {
    if (limits.cpuCores().isEmpty() && limits.memoryBytes().isEmpty()) {
      return none();
    }
    Allocation desired = new Allocation(
        limits.cpuCores().map(OptionalDouble::of).orElse(OptionalDouble.empty()),
        limits.memoryBytes().map(OptionalLong::of).orElse(OptionalLong.empty()),
        OptionalLong.empty());
    CgroupManager manager;
    try {
      manager = detect.detect();
    } catch (AllocatorException | RuntimeException e) {
      return warn(desired, e);
    }
    Cgroup cgroup = null;
    try {
      Cgroup own = manager.own();
      removeLeftovers(own);
      cgroup = create(manager, own, PREFIX + pid);
      manager.apply(cgroup, desired);
      manager.movePid(cgroup, pid);
      logger.info("shadow isolated in {} with cpu={} memory={}", cgroup,
          limits.cpuCores().map(Allocation::formatCores).orElse("unlimited"),
          limits.memoryBytes().map(Allocation::formatBytes).orElse("unlimited"));
      return new SelfIsolation(Optional.of(manager), Optional.of(cgroup));
    } catch (AllocatorException | RuntimeException e) {
      if (cgroup != null) {
        removeQuietly(manager, cgroup);
      }
      return warn(desired, e);
    }
  }

  private static Cgroup create(CgroupManager manager, Cgroup own, String name) throws AllocatorException {
    try {
      return manager.create(name, own);
    } catch (AllocatorException e) {
      if (manager.version() != CgroupVersion.V2 || e.reason() != AllocatorException.Reason.UNAVAILABLE_HERE
          || own.cpuPath().equals("/")) {
        throw e;
      }
      String parent = own.cpuPath().substring(0, own.cpuPath().lastIndexOf('/'));
      return manager.create(name, manager.adopt(parent.isEmpty() ? "/" : parent));
    }
  }

  private static SelfIsolation warn(Allocation desired, Exception e) {
    logger.warn("cannot put the shadow in a cgroup of its own with {} ({}); it runs without those limits",
        desired, e.getMessage());
    return none();
  }

  /** Removes {@code umbra-shadow-<pid>} siblings whose shadow is gone (killed before its cleanup). */
  static void removeLeftovers(Cgroup own) {
    for (Path parent : own.directories()) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, "umbra-shadow-*")) {
        for (Path child : children) {
          Matcher m = LEFTOVER.matcher(child.getFileName().toString());
          if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty() && Files.isDirectory(child)) {
            try {
              Files.delete(child); // rmdir; the kernel refuses while processes are inside
              logger.info("removed cgroup {} left by a shadow that is gone", child);
            } catch (IOException e) {
              logger.debug("cannot remove leftover cgroup {}: {}", child, e.toString());
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        logger.debug("cannot look for leftover cgroups in {}: {}", parent, e.toString());
      }
    }
  }

  /** The cgroup this process was moved into, if it was. */
  public Optional<Cgroup> cgroup() {
    return cgroup;
  }

  /** Moves the process back to the parent cgroup and removes its own; logs instead of throwing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (manager.isPresent() && cgroup.isPresent()) {
      removeQuietly(manager.get(), cgroup.get());
    }
  }

  private static void removeQuietly(CgroupManager manager, Cgroup cgroup) {
    try {
      manager.remove(cgroup);
      logger.info("removed the shadow's {}", cgroup);
    } catch (AllocatorException | RuntimeException e) {
      // an empty directory without kernel files (a half-made cgroup) still goes
      if (!deleteEmpty(cgroup)) {
        logger.warn("cannot remove the shadow's {}: {}", cgroup, e.getMessage());
      }
    }
  }

  private static boolean deleteEmpty(Cgroup cgroup) {
    try {
      for (Path dir : cgroup.directories()) {
        Files.deleteIfExists(dir);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Detects the cgroup layout. */
  @FunctionalInterface
  interface Detector {
    CgroupManager detect() throws AllocatorException;
  }
}
