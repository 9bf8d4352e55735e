package dev.umbra.shadow.anomaly;

/** A fixed-capacity window of the newest doubles, oldest first; running sum and sum of squares. */
final class Ring {
  private final double[] values;
  private int start;
  private int size;
  private double sum;
  private double sumSquares;

  Ring(int capacity) {
    values = new double[capacity];
  }

  void add(double v) {
    if (size == values.length) {
      double old = values[start];
      sum -= old;
      sumSquares -= old * old;
      values[start] = v;
      start = (start + 1) % values.length;
    } else {
      values[(start + size) % values.length] = v;
      size++;
    }
    sum += v;
    sumSquares += v * v;
  }

  int size() {
    return size;
  }

  /** The i-th value, 0 the oldest. */
  double get(int i) {
    return values[(start + i) % values.length];
  }

  /** The i-th newest, 0 the newest. */
  double fromEnd(int i) {
    return get(size - 1 - i);
  }

  double[] toArray() {
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      out[i] = get(i);
    }
    return out;
  }

  double mean() {
    return size == 0 ? 0 : sum / size;
  }

  double std() {
    if (size < 2) {
      return 0;
    }
    double m = mean();
    return Math.sqrt(Math.max(0, sumSquares / size - m * m));
  }
}
