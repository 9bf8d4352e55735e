package dev.umbra.shadow.forecast.lstm;

import java.util.Arrays;
import java.util.Objects;

/**
 * The samples of one series in one run of a workload (one primary), oldest first: what a
 * {@link WorkloadTrainer} learns from. Times are Unix seconds, strictly increasing; values are
 * demand, finite and ≥ 0. Holes are simply absent samples.
 *
 * @param runId where the samples come from (a primary id, a VM id), for messages
 */
public record SampleRun(String runId, long[] timesSec, double[] values) {
  public SampleRun {
    Objects.requireNonNull(runId, "runId");
    timesSec = timesSec.clone();
    values = values.clone();
    if (timesSec.length != values.length) {
      throw new IllegalArgumentException(runId + ": " + timesSec.length + " times but " + values.length + " values");
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i]) || values[i] < 0) {
        throw new IllegalArgumentException(runId + ": value " + i + " is " + values[i] + " (must be finite and >= 0)");
      }
      if (i > 0 && timesSec[i] <= timesSec[i - 1]) {
        throw new IllegalArgumentException(runId + ": time " + i + " (" + timesSec[i] + ") does not increase");
      }
    }
  }

  /**
   * From a 1 s grid (NaN where a second has no value): seconds averaged into steps of {@code
   * stepSec}, each stamped with its last second, kept when at least half its seconds have a
   * value. NaN, infinite and negative seconds count as missing.
   *
   * @param firstSecond the Unix second of {@code perSecond[0]}
   */
  public static SampleRun fromGrid(String runId, long firstSecond, double[] perSecond, long stepSec) {
    if (stepSec < 1) {
      throw new IllegalArgumentException("step must be >= 1 s: " + stepSec);
    }
    long[] t = new long[perSecond.length / (int) stepSec + 1];
    double[] v = new double[t.length];
    int n = 0;
    long firstStep = Math.floorDiv(firstSecond, stepSec);
    long lastStep = Math.floorDiv(firstSecond + perSecond.length - 1, stepSec);
    for (long s = firstStep; s <= lastStep && perSecond.length > 0; s++) {
      double sum = 0;
      int count = 0;
      for (long sec = s * stepSec; sec < (s + 1) * stepSec; sec++) {
        long i = sec - firstSecond;
        if (i >= 0 && i < perSecond.length && Double.isFinite(perSecond[(int) i]) && perSecond[(int) i] >= 0) {
          sum += perSecond[(int) i];
          count++;
        }
      }
      if (count * 2 >= stepSec) {
        t[n] = (s + 1) * stepSec - 1;
        v[n] = sum / count;
        n++;
      }
    }
    return new SampleRun(runId, Arrays.copyOf(t, n), Arrays.copyOf(v, n));
  }

  public int size() {
    return timesSec.length;
  }

  @Override
  public long[] timesSec() {
    return timesSec.clone();
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SampleRun r && r.runId.equals(runId) && Arrays.equals(r.timesSec, timesSec)
        && Arrays.equals(r.values, values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(runId, Arrays.hashCode(timesSec), Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return "SampleRun[" + runId + ", " + timesSec.length + " samples]";
  }
}
