package dev.umbra.shadow.fleet;

import java.util.Arrays;

/**
 * The last {@code capacity} seconds of one series of one run (primary), as the trainer keeps
 * them: a ring indexed by Unix second, NaN where missing. Not thread-safe.
 */
final class RunWindow {
  private final double[] ring;
  private long newest = Long.MIN_VALUE;

  RunWindow(int capacity) {
    ring = new double[capacity];
    Arrays.fill(ring, Double.NaN);
  }

  void put(long second, double value) {
    if (newest != Long.MIN_VALUE && second <= newest - ring.length) {
      return;
    }
    if (newest == Long.MIN_VALUE) {
      newest = second;
    } else if (second > newest) {
      long gap = Math.min(second - newest, ring.length);
      for (long s = newest + 1; s <= newest + gap; s++) {
        ring[slot(s)] = Double.NaN;
      }
      newest = second;
    }
    ring[slot(second)] = value;
  }

  long newest() {
    return newest;
  }

  /** Present seconds, oldest first: {times, values} as parallel arrays. */
  long[] times() {
    if (newest == Long.MIN_VALUE) {
      return new long[0];
    }
    long[] out = new long[ring.length];
    int n = 0;
    for (long s = newest - ring.length + 1; s <= newest; s++) {
      if (!Double.isNaN(ring[slot(s)])) {
        out[n++] = s;
      }
    }
    return Arrays.copyOf(out, n);
  }

  double value(long second) {
    return ring[slot(second)];
  }

  private int slot(long second) {
    return (int) Math.floorMod(second, (long) ring.length);
  }
}
