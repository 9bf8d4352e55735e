package dev.umbra.allocator.jvm;

import java.util.Collection;

/** The collector a primary JVM runs, as far as the heap flags are concerned. */
public enum GarbageCollector {
  /** Garbage-First ({@code -XX:+UseG1GC}), the default since JDK 9. */
  G1,
  /** Z ({@code -XX:+UseZGC}). */
  ZGC,
  /** Shenandoah ({@code -XX:+UseShenandoahGC}). */
  SHENANDOAH,
  /** Parallel ({@code -XX:+UseParallelGC}). */
  PARALLEL,
  /** Serial ({@code -XX:+UseSerialGC}). */
  SERIAL,
  /** Epsilon, the no-op collector. */
  EPSILON,
  /** Not recognised. */
  UNKNOWN;

  /**
   * Recognises the collector from the names of the JVM's {@code GarbageCollectorMXBean}s, which
   * the agent reports: {@code G1 Young Generation}, {@code ZGC Cycles}/{@code ZGC Minor Cycles},
   * {@code Shenandoah Cycles}, {@code PS Scavenge}, {@code Copy}/{@code MarkSweepCompact}; none for
   * Epsilon.
   *
   * @param mxBeanNames the bean names
   * @return the collector, {@link #UNKNOWN} if none matches
   */
  public static GarbageCollector fromMxBeanNames(Collection<String> mxBeanNames) {
    if (mxBeanNames.isEmpty()) {
      return EPSILON;
    }
    for (String name : mxBeanNames) {
      if (name.startsWith("G1 ")) {
        return G1;
      }
      if (name.startsWith("ZGC")) {
        return ZGC;
      }
      if (name.startsWith("Shenandoah")) {
        return SHENANDOAH;
      }
      if (name.startsWith("PS ")) {
        return PARALLEL;
      }
      if (name.equals("Copy") || name.equals("MarkSweepCompact")) {
        return SERIAL;
      }
    }
    return UNKNOWN;
  }

  /**
   * Tells whether this collector bounds the heap by {@code SoftMaxHeapSize} on a JDK.
   *
   * @param javaFeatureVersion the JDK's feature version, for example 17
   * @return true for ZGC and Shenandoah, and for G1 from JDK 26
   */
  public boolean honoursSoftMaxHeapSize(int javaFeatureVersion) {
    return switch (this) {
      case ZGC, SHENANDOAH -> true;
      case G1 -> javaFeatureVersion >= 26;
      default -> false;
    };
  }

  /**
   * Tells whether this collector sizes the heap by {@code MinHeapFreeRatio}/{@code MaxHeapFreeRatio}.
   *
   * @return true for G1, Parallel and Serial
   */
  public boolean honoursHeapFreeRatios() {
    return this == G1 || this == PARALLEL || this == SERIAL;
  }

  /** Human name for messages, for example {@code G1} or {@code Shenandoah}. */
  String displayName() {
    return switch (this) {
      case SHENANDOAH -> "Shenandoah";
      case PARALLEL -> "Parallel GC";
      case SERIAL -> "Serial GC";
      case EPSILON -> "Epsilon";
      case UNKNOWN -> "an unrecognised collector";
      default -> name();
    };
  }
}
