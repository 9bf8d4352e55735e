package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code cgroup} allocator: a target's cgroup is {@link Target#cgroup()} if set (the same path
 * in the cpu, memory and blkio hierarchies), else the cgroup its {@link Target#pid()} is in now. It
 * sets disk bandwidth too where the host has an I/O controller.
 */
final class CgroupAllocator implements Allocator {

  private final CgroupManager manager;
  private final Set<ResourceKind> supports;
  private final Object lock = new Object();

  CgroupAllocator(CgroupManager manager) {
    this.manager = manager;
    Set<ResourceKind> kinds = EnumSet.of(ResourceKind.CPU, ResourceKind.MEMORY);
    if (manager.hasIoController()) {
      kinds.addAll(EnumSet.of(ResourceKind.DISK_READ, ResourceKind.DISK_WRITE));
    }
    this.supports = Set.copyOf(kinds);
  }

  /** CPU and memory; disk read and write too where the host has an I/O controller (v1 blkio, v2 io). */
  @Override
  public Set<ResourceKind> supports() {
    return supports;
  }

  @Override
  public Allocation current(Target target) throws AllocatorException {
    return manager.limits(resolve(target));
  }

  @Override
  public ApplyResult apply(Target target, Allocation desired) throws AllocatorException {
    Cgroup cgroup = resolve(target);
    if (target.cgroup().isEmpty() && isHostRoot(cgroup)) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "primary " + target.primaryId() + " (pid "
          + target.pid().getAsLong() + ") runs in the root cgroup; give it a cgroup of its own first (umbra run does)");
    }
    synchronized (lock) { // one read-check-write at a time, so two callers cannot interleave
      return manager.apply(cgroup, desired);
    }
  }

  private static boolean isHostRoot(Cgroup cgroup) {
    return cgroup.cpuPath().equals("/") || cgroup.memoryPath().equals("/");
  }

  private Cgroup resolve(Target target) throws AllocatorException {
    if (target.cgroup().isPresent()) {
      return manager.adopt(target.cgroup().get());
    }
    if (target.pid().isPresent()) {
      return manager.ofPid(target.pid().getAsLong());
    }
    throw new AllocatorException(Reason.INVALID_REQUEST,
        "target " + target.primaryId() + " has neither a cgroup path nor a pid; the cgroup allocator needs one");
  }

  @Override
  public void close() {
    // holds no resources
  }
}
