package dev.umbra.shadow.manager;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** An in-memory allocator: holds one allocation, records what was applied, fails on demand. */
final class FakeAllocator implements Allocator {
  private final Set<ResourceKind> kinds;
  Allocation now;
  final List<Allocation> applied = new ArrayList<>();
  final List<Target> targets = new ArrayList<>();
  AllocatorException failCurrent;
  AllocatorException failApply;
  ApplyResult.Status status = ApplyResult.Status.APPLIED;
  /** Like G1 before JDK 26 with SoftMaxHeapSize: applies are taken, the allocation in force stays. */
  boolean ignoresChanges;

  FakeAllocator(Set<ResourceKind> kinds, Allocation initial) {
    this.kinds = kinds;
    this.now = initial;
  }

  @Override
  public Set<ResourceKind> supports() {
    return kinds;
  }

  @Override
  public Allocation current(Target target) throws AllocatorException {
    if (failCurrent != null) {
      throw failCurrent;
    }
    return now;
  }

  @Override
  public ApplyResult apply(Target target, Allocation desired) throws AllocatorException {
    if (failApply != null) {
      throw failApply;
    }
    applied.add(desired);
    targets.add(target);
    if (ignoresChanges) {
      return new ApplyResult(status, now, "fake: " + desired + " taken, " + now + " still in force");
    }
    now = now.with(desired);
    return new ApplyResult(status, now, "fake: " + desired);
  }

  @Override
  public void close() {}
}
