package dev.umbra.shadow.supervisor;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.cgroup.Cgroup;
import dev.umbra.allocator.cgroup.CgroupManager;
import dev.umbra.allocator.cgroup.CgroupStats;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The primary's own cgroup ({@code umbra-run-<pid>} under the supervisor's), created with the
 * requested limits before the primary starts, emptied (leftover children killed) and removed at
 * the end; or none, where cgroups cannot be used and no limit was asked for.
 */
public final class PrimaryCgroup implements AutoCloseable {
  private final Optional<CgroupManager> manager;
  private final Optional<Cgroup> cgroup;

  private PrimaryCgroup(Optional<CgroupManager> manager, Optional<Cgroup> cgroup) {
    this.manager = manager;
    this.cgroup = cgroup;
  }

  /** No cgroup: the primary shares the supervisor's. */
  public static PrimaryCgroup none() {
    return new PrimaryCgroup(Optional.empty(), Optional.empty());
  }

  /**
   * Creates the cgroup and sets its limits.
   *
   * @throws AllocatorException when cgroups are unavailable here or refuse the limits
   */
  public static PrimaryCgroup create(String name, Optional<Double> cpuCores, Optional<Long> memoryBytes)
      throws AllocatorException {
    CgroupManager manager = CgroupManager.detect();
    Cgroup cgroup = manager.create(name);
    try {
      if (cpuCores.isPresent() || memoryBytes.isPresent()) {
        manager.apply(cgroup, new Allocation(
            cpuCores.map(OptionalDouble::of).orElse(OptionalDouble.empty()),
            memoryBytes.map(OptionalLong::of).orElse(OptionalLong.empty()),
            OptionalLong.empty()));
      }
    } catch (AllocatorException | RuntimeException e) {
      try {
        manager.remove(cgroup);
      } catch (AllocatorException ignored) {
        e.addSuppressed(ignored);
      }
      throw e;
    }
    return new PrimaryCgroup(Optional.of(manager), Optional.of(cgroup));
  }

  /** The command that enters the cgroup first, then becomes the primary. */
  List<String> wrap(List<String> argv) {
    if (cgroup.isEmpty()) {
      return argv;
    }
    List<Path> procs = cgroup.get().directories().stream().map(dir -> dir.resolve("cgroup.procs")).toList();
    return new PrimaryCommand(argv).inCgroups(procs);
  }

  /** The cgroup, as the allocator names it; "" without one. */
  public String describe() {
    return cgroup.map(Cgroup::toString).orElse("");
  }

  /** Whether the primary has a cgroup of its own (false for {@link #none()}). */
  public boolean present() {
    return cgroup.isPresent();
  }

  /** Whether the cgroup still exists on the host (false for {@link #none()}). */
  public boolean exists() {
    return cgroup.isPresent() && cgroup.get().exists();
  }

  /** The cgroup's limits, usage and pressure counters now; empty without one or once it is gone. */
  public Optional<CgroupStats> stats() {
    if (cgroup.isEmpty() || !cgroup.get().exists()) {
      return Optional.empty();
    }
    try {
      return Optional.of(manager.get().stats(cgroup.get()));
    } catch (AllocatorException e) {
      return Optional.empty();
    }
  }

  /** Processes in the cgroup now (empty without one). */
  public List<Long> pids() {
    if (cgroup.isEmpty() || !cgroup.get().exists()) {
      return List.of();
    }
    try {
      return manager.get().pids(cgroup.get());
    } catch (AllocatorException e) {
      return List.of();
    }
  }

  /** Kills whatever is left in the cgroup (children the primary left behind). */
  void killLeftovers() {
    for (long pid : pids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** Kills leftovers, waits up to 5 s for them to go, and removes the cgroup. */
  @Override
  public void close() {
    if (cgroup.isEmpty()) {
      return;
    }
    killLeftovers();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!pids().isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      manager.get().remove(cgroup.get());
    } catch (AllocatorException e) {
      System.err.println("umbra run: cannot remove " + cgroup.get() + ": " + e.getMessage());
    }
  }
}
