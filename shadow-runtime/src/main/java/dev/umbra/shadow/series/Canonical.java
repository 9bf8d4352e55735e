package dev.umbra.shadow.series;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical series ({@code docs/architecture.md}, "Canonical series"): stable names used by
 * forecasts, anomalies, metrics and the dashboard, one point per second per primary.
 */
public enum Canonical {
  CPU_PROCESS("cpu.process", "cores", Aggregation.MEAN),
  CPU_MACHINE("cpu.machine", "cores", Aggregation.MEAN),
  MEM_HEAP_USED("mem.heap.used", "bytes", Aggregation.LAST),
  MEM_HEAP_COMMITTED("mem.heap.committed", "bytes", Aggregation.LAST),
  MEM_RSS("mem.rss", "bytes", Aggregation.LAST),
  MEM_NONHEAP("mem.nonheap", "bytes", Aggregation.LAST),
  ALLOC_RATE("alloc.rate", "bytes/s", Aggregation.MEAN),
  GC_PAUSE("gc.pause", "ms/s", Aggregation.MEAN),
  IO_DISK_READ("io.disk.read", "bytes/s", Aggregation.MEAN),
  IO_DISK_WRITE("io.disk.write", "bytes/s", Aggregation.MEAN),
  IO_NET_RX("io.net.rx", "bytes/s", Aggregation.MEAN),
  IO_NET_TX("io.net.tx", "bytes/s", Aggregation.MEAN),
  IO_DISK_OPS("io.disk.ops", "ops/s", Aggregation.MEAN),
  IO_NET_OPS("io.net.ops", "ops/s", Aggregation.MEAN),
  THREADS_LIVE("threads.live", "threads", Aggregation.LAST),
  THREADS_BLOCKED("threads.blocked", "threads", Aggregation.LAST);

  private static final Map<String, Canonical> BY_NAME = new HashMap<>();

  static {
    for (Canonical c : values()) {
      BY_NAME.put(c.seriesName, c);
    }
  }

  private final String seriesName;
  private final String unit;
  private final Aggregation aggregation;

  Canonical(String seriesName, String unit, Aggregation aggregation) {
    this.seriesName = seriesName;
    this.unit = unit;
    this.aggregation = aggregation;
  }

  /** The canonical series called {@code name}, or null. */
  public static Canonical byName(String name) {
    return BY_NAME.get(name);
  }

  public static List<Canonical> all() {
    return List.of(values());
  }

  public SeriesName seriesName() {
    return new SeriesName(seriesName);
  }

  public String unit() {
    return unit;
  }

  public Aggregation aggregation() {
    return aggregation;
  }

  @Override
  public String toString() {
    return seriesName;
  }
}
