package dev.umbra.agent.sampler;

import java.util.List;

/**
 * The canonical series names (docs/architecture.md, "Canonical series"), in their units; stable.
 */
public final class CanonicalSeries {
  public static final String CPU_PROCESS = "cpu.process"; // cores
  public static final String CPU_MACHINE = "cpu.machine"; // cores
  public static final String HEAP_USED = "mem.heap.used"; // bytes
  public static final String HEAP_COMMITTED = "mem.heap.committed"; // bytes
  public static final String RSS = "mem.rss"; // bytes
  public static final String NONHEAP = "mem.nonheap"; // bytes
  public static final String ALLOC_RATE = "alloc.rate"; // bytes/s
  public static final String GC_PAUSE = "gc.pause"; // ms per s
  public static final String DISK_READ = "io.disk.read"; // bytes/s
  public static final String DISK_WRITE = "io.disk.write"; // bytes/s
  public static final String NET_RX = "io.net.rx"; // bytes/s
  public static final String NET_TX = "io.net.tx"; // bytes/s
  public static final String DISK_OPS = "io.disk.ops"; // ops/s
  public static final String NET_OPS = "io.net.ops"; // ops/s
  public static final String THREADS_LIVE = "threads.live";
  public static final String THREADS_BLOCKED = "threads.blocked";
  /**
   * Heap used right after the newest garbage collection, bytes: one point per gauge tick in which a
   * collection ended, so not in {@link #ALL} (which every tick carries).
   */
  public static final String HEAP_AFTER_GC = "mem.heap.after_gc";

  public static final List<String> ALL =
      List.of(CPU_PROCESS, CPU_MACHINE, HEAP_USED, HEAP_COMMITTED, RSS, NONHEAP, ALLOC_RATE, GC_PAUSE,
          DISK_READ, DISK_WRITE, NET_RX, NET_TX, DISK_OPS, NET_OPS, THREADS_LIVE, THREADS_BLOCKED);

  private CanonicalSeries() {}
}
