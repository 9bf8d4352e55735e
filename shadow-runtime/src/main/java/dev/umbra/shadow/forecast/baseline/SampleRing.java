package dev.umbra.shadow.forecast.baseline;

/**
 * The recent samples of one series, oldest first, in a growable circular buffer; samples older
 * than the retention are dropped as new ones arrive. Times are epoch milliseconds, increasing.
 * Not thread-safe.
 */
final class SampleRing {
  private final long retentionMillis;
  private long[] times = new long[64];
  private double[] values = new double[64];
  private int head;
  private int size;

  SampleRing(long retentionMillis) {
    this.retentionMillis = retentionMillis;
  }

  void add(long timeMillis, double value) {
    while (size > 0 && times[head] < timeMillis - retentionMillis) {
      head = (head + 1) % times.length;
      size--;
    }
    if (size == times.length) {
      grow();
    }
    int tail = (head + size) % times.length;
    times[tail] = timeMillis;
    values[tail] = value;
    size++;
  }

  private void grow() {
    long[] t = new long[times.length * 2];
    double[] v = new double[values.length * 2];
    for (int i = 0; i < size; i++) {
      t[i] = times[(head + i) % times.length];
      v[i] = values[(head + i) % values.length];
    }
    times = t;
    values = v;
    head = 0;
  }

  int size() {
    return size;
  }

  long time(int i) {
    return times[(head + i) % times.length];
  }

  double value(int i) {
    return values[(head + i) % values.length];
  }

  /** Index of the first sample with time > {@code timeMillis}, or size. */
  int firstAfter(long timeMillis) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (time(mid) <= timeMillis) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Max of samples with from &lt; time ≤ to, or NaN when there are none. */
  double max(long fromExclusive, long toInclusive) {
    double max = Double.NaN;
    for (int i = firstAfter(fromExclusive); i < size && time(i) <= toInclusive; i++) {
      double v = value(i);
      if (!(v <= max)) {
        max = v;
      }
    }
    return max;
  }
}
