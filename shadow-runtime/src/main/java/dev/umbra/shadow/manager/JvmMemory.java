package dev.umbra.shadow.manager;

import java.util.Optional;

/**
 * What a JVM needs in memory, as opposed to what it holds (its RSS): the live set after GC with
 * room to allocate between collections, plus off-heap memory. Committed heap rarely shrinks by
 * itself, so an RSS-based recommendation keeps whatever the heap once grew to; this estimate
 * drops once the live set does.
 *
 * <ul>
 *   <li>live set: the lowest {@code mem.heap.used} over the window, i.e. the troughs of the GC
 *       saw-tooth (heap used right after a collection). A window without a GC gives a higher
 *       value: the estimate errs on the safe side.
 *   <li>off-heap: the larger of {@code mem.nonheap} (metaspace, code cache) and RSS minus
 *       committed heap (also thread stacks, GC structures, direct buffers, malloc).
 *   <li>heap target: live set × (1 + {@link #GC_HEADROOM}), at least {@link #MIN_HEAP}.
 * </ul>
 *
 * @param liveSetBytes heap used after GC
 * @param offHeapBytes memory outside the heap
 * @param heapTargetBytes the heap the JVM should aim to stay within
 * @param needBytes heap target plus off-heap: what a memory limit must leave the JVM
 * @param rssBytes the RSS last reported
 */
record JvmMemory(double liveSetBytes, double offHeapBytes, double heapTargetBytes, double needBytes, double rssBytes) {

  /** Heap room for allocation between collections, over the live set. */
  static final double GC_HEADROOM = 0.5;
  /** The smallest heap target, 32 MiB. */
  static final double MIN_HEAP = 32 << 20;

  /**
   * Estimates from aligned windows of the series (NaN where a second is missing).
   *
   * @return empty when a series has no value in the window
   */
  static Optional<JvmMemory> estimate(double[] heapUsed, double[] heapCommitted, double[] rss, double[] nonHeap) {
    double live = Double.POSITIVE_INFINITY;
    for (double v : heapUsed) {
      if (!Double.isNaN(v)) {
        live = Math.min(live, v);
      }
    }
    double committed = last(heapCommitted);
    double lastRss = last(rss);
    double lastNonHeap = last(nonHeap);
    if (Double.isInfinite(live) || Double.isNaN(committed) || Double.isNaN(lastRss)) {
      return Optional.empty();
    }
    double offHeap = Math.max(Double.isNaN(lastNonHeap) ? 0 : lastNonHeap, lastRss - committed);
    double heapTarget = Math.max(MIN_HEAP, live * (1 + GC_HEADROOM));
    return Optional.of(new JvmMemory(live, offHeap, heapTarget, heapTarget + offHeap, lastRss));
  }

  static double last(double[] values) {
    for (int i = values.length - 1; i >= 0; i--) {
      if (!Double.isNaN(values[i])) {
        return values[i];
      }
    }
    return Double.NaN;
  }
}
