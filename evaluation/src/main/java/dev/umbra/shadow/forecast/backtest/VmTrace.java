package dev.umbra.shadow.forecast.backtest;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One VM's trace: strictly increasing timestamps (Unix seconds) and one usage column per
 * {@link TraceResource}, plus the provisioned CPU (cores and MHz) and what the reader repaired.
 * Samples of a VM that was switched off are not in it (see {@link BitbrainsReader}). Immutable.
 */
public final class VmTrace {
  private final String id;
  private final long[] timesSec;
  private final Map<TraceResource, double[]> usage;
  private final double mhzPerCore;
  private final double initialCores;
  private final TraceRepairs repairs;

  VmTrace(String id, long[] timesSec, Map<TraceResource, double[]> usage, double mhzPerCore, double initialCores) {
    this(id, timesSec, usage, mhzPerCore, initialCores, TraceRepairs.NONE);
  }

  VmTrace(String id, long[] timesSec, Map<TraceResource, double[]> usage, double mhzPerCore, double initialCores,
      TraceRepairs repairs) {
    this.id = Objects.requireNonNull(id, "id");
    this.timesSec = timesSec;
    this.usage = new EnumMap<>(usage);
    this.mhzPerCore = mhzPerCore;
    this.initialCores = initialCores;
    this.repairs = Objects.requireNonNull(repairs, "repairs");
    for (double[] column : usage.values()) {
      if (column.length != timesSec.length) {
        throw new IllegalArgumentException(id + ": column length " + column.length + " != " + timesSec.length);
      }
    }
  }

  public String id() {
    return id;
  }

  public int size() {
    return timesSec.length;
  }

  public long timeSec(int i) {
    return timesSec[i];
  }

  public double usage(TraceResource resource, int i) {
    return usage.get(resource)[i];
  }

  /** A copy of one usage column. */
  public double[] column(TraceResource resource) {
    return usage.get(resource).clone();
  }

  /** A copy of the timestamps, Unix seconds. */
  public long[] timesSec() {
    return timesSec.clone();
  }

  /** Provisioned MHz per core (first row the VM is on): converts CPU MHz to cores. */
  public double mhzPerCore() {
    return mhzPerCore;
  }

  public double initialCores() {
    return initialCores;
  }

  /** What the reader left out or reordered to make this trace usable. */
  public TraceRepairs repairs() {
    return repairs;
  }
}
