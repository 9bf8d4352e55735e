package dev.umbra.shadow.forecast.lstm;

import dev.umbra.shadow.forecast.Quantiles;
import java.util.Arrays;

/**
 * Exact quantiles of the last {@code capacity} values: a ring in arrival order beside the same
 * values sorted, so adding one costs a binary search and one array shift (O(capacity) copies, a
 * few dozen nanoseconds at 168) and a quantile is a lookup. Not thread-safe.
 */
final class SlidingQuantiles {
  private final double[] ring;
  private final double[] sorted;
  private int size;
  private int next;

  SlidingQuantiles(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    ring = new double[capacity];
    sorted = new double[capacity];
  }

  int size() {
    return size;
  }

  /** Adds a finite value, dropping the oldest once full. */
  void add(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("value is " + value);
    }
    if (size == ring.length) {
      int at = Arrays.binarySearch(sorted, 0, size, ring[next]);
      System.arraycopy(sorted, at + 1, sorted, at, size - at - 1);
      size--;
    }
    ring[next] = value;
    next = (next + 1) % ring.length;
    int at = Arrays.binarySearch(sorted, 0, size, value);
    if (at < 0) {
      at = -at - 1;
    }
    System.arraycopy(sorted, at, sorted, at + 1, size - at);
    sorted[at] = value;
    size++;
  }

  /** The {@code p} quantile, linearly interpolated between order statistics; needs a value. */
  double quantile(double p) {
    if (size == 0) {
      throw new IllegalStateException("no values");
    }
    return Quantiles.ofSorted(sorted, size, p);
  }
}
