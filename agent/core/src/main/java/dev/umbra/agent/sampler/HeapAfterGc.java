package dev.umbra.agent.sampler;

import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The heap used right after the newest garbage collection ({@code mem.heap.after_gc}): the live
 * set plus what the collection left, the signal of a leak that the heap's sawtooth hides. Read
 * from the collectors' {@code GcInfo} (usage after the collection, summed over the heap pools),
 * so it needs neither JFR nor the JFR stream's delivery delay. One value per gauge tick in which a
 * collection ended, none otherwise. Sampler thread only.
 */
final class HeapAfterGc {
  private final List<com.sun.management.GarbageCollectorMXBean> collectors;
  private final Set<String> heapPools;
  private long collections = -1;

  HeapAfterGc() {
    this(ManagementFactory.getGarbageCollectorMXBeans(), ManagementFactory.getMemoryPoolMXBeans());
  }

  HeapAfterGc(List<GarbageCollectorMXBean> collectors, List<MemoryPoolMXBean> pools) {
    this.collectors = collectors.stream()
        .filter(c -> c instanceof com.sun.management.GarbageCollectorMXBean)
        .map(c -> (com.sun.management.GarbageCollectorMXBean) c)
        .toList();
    this.heapPools = pools.stream().filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** The heap used after the newest collection, when one ended since the previous call. */
  OptionalDouble sample() {
    long count = 0;
    for (GarbageCollectorMXBean c : collectors) {
      count += Math.max(0, c.getCollectionCount());
    }
    if (count == collections) {
      return OptionalDouble.empty();
    }
    collections = count;
    GcInfo newest = null;
    for (com.sun.management.GarbageCollectorMXBean c : collectors) {
      GcInfo info = c.getLastGcInfo();
      if (info != null && (newest == null || info.getEndTime() > newest.getEndTime())) {
        newest = info;
      }
    }
    if (newest == null) {
      return OptionalDouble.empty();
    }
    long used = 0;
    for (Map.Entry<String, MemoryUsage> e : newest.getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) {
        used += e.getValue().getUsed();
      }
    }
    return used > 0 ? OptionalDouble.of(used) : OptionalDouble.empty();
  }
}
