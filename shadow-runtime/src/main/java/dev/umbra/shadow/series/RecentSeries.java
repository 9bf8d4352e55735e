package dev.umbra.shadow.series;

import java.util.Arrays;

/**
 * The last {@code capacity} grid seconds of one series in memory: a ring indexed by epoch
 * second. One writer (the ingest tick) and any number of readers; all methods are synchronized,
 * which costs nothing measurable at one write per second.
 */
final class RecentSeries {
  private final SeriesName series;
  private final double[] ring;
  /** Newest second written, or Long.MIN_VALUE when empty. */
  private long newest = Long.MIN_VALUE;
  /** First second written: nothing before it passed through this ring. */
  private long first = Long.MAX_VALUE;

  RecentSeries(SeriesName series, int capacity) {
    this.series = series;
    this.ring = new double[capacity];
    Arrays.fill(ring, Double.NaN);
  }

  synchronized void put(long second, double value) {
    if (newest != Long.MIN_VALUE && second <= newest - ring.length) {
      return; // older than the window
    }
    first = Math.min(first, second);
    if (newest == Long.MIN_VALUE) {
      newest = second;
    } else if (second > newest) {
      long gap = Math.min(second - newest, ring.length);
      for (long s = newest + 1; s <= newest + gap; s++) {
        ring[slot(s)] = Double.NaN; // seconds skipped over are missing, not stale
      }
      newest = second;
    }
    ring[slot(second)] = value;
  }

  /**
   * Writes a partial second only where this ring already answers for that second and has no
   * value: a partial second never replaces a value, and where the ring does not cover the second
   * (it started later, e.g. after a restart) readers ask history, which knows whether a complete
   * value exists.
   */
  synchronized void putIfMissing(long second, double value) {
    if (newest == Long.MIN_VALUE || second < first || second <= newest - ring.length) {
      return;
    }
    if (second > newest) {
      put(second, value);
    } else if (Double.isNaN(ring[slot(second)])) {
      ring[slot(second)] = value;
    }
  }

  /** Seconds in {@code [from, to)} that the ring still holds; NaN where no value was written. */
  synchronized SeriesWindow window(long from, long to) {
    if (newest == Long.MIN_VALUE || to <= from) {
      return new SeriesWindow(series, from, new double[0]);
    }
    long oldest = newest - ring.length + 1;
    long start = Math.max(from, oldest);
    long end = Math.min(to, newest + 1);
    if (end <= start) {
      return new SeriesWindow(series, start, new double[0]);
    }
    double[] values = new double[(int) (end - start)];
    for (int i = 0; i < values.length; i++) {
      values[i] = ring[slot(start + i)];
    }
    return new SeriesWindow(series, start, values);
  }

  /**
   * The first second this ring can answer for: seconds before it may exist in history only.
   * MAX_VALUE when empty.
   */
  synchronized long coveredFrom() {
    return newest == Long.MIN_VALUE ? Long.MAX_VALUE : Math.max(first, newest - ring.length + 1);
  }

  synchronized long newestSecond() {
    return newest;
  }

  private int slot(long second) {
    return (int) Math.floorMod(second, (long) ring.length);
  }
}
