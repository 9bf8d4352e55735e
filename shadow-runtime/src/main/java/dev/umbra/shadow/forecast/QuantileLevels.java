package dev.umbra.shadow.forecast;

import java.util.Arrays;

/** Quantile levels, strictly increasing in (0, 1). Immutable. */
public final class QuantileLevels {
  /** The contract's default: 0.05, 0.5, 0.9, 0.95, 0.99. */
  public static final QuantileLevels DEFAULT = of(0.05, 0.5, 0.9, 0.95, 0.99);

  /** The backtest's: adds 0.1 so that the 80 % interval (0.1..0.9) can be scored. */
  public static final QuantileLevels BACKTEST = of(0.05, 0.1, 0.5, 0.9, 0.95, 0.99);

  private final double[] levels;

  private QuantileLevels(double[] levels) {
    this.levels = levels;
  }

  /** @throws IllegalArgumentException naming the level that is out of (0,1) or out of order */
  public static QuantileLevels of(double... levels) {
    if (levels.length == 0) {
      throw new IllegalArgumentException("at least one quantile level is required");
    }
    for (int i = 0; i < levels.length; i++) {
      if (!(levels[i] > 0 && levels[i] < 1)) {
        throw new IllegalArgumentException("quantile level " + levels[i] + " is not in (0,1)");
      }
      if (i > 0 && levels[i] <= levels[i - 1]) {
        throw new IllegalArgumentException(
            "quantile levels must be strictly increasing: " + Arrays.toString(levels));
      }
    }
    return new QuantileLevels(levels.clone());
  }

  public int size() {
    return levels.length;
  }

  public double get(int i) {
    return levels[i];
  }

  /** Index of {@code level}, or -1. */
  public int indexOf(double level) {
    for (int i = 0; i < levels.length; i++) {
      if (Math.abs(levels[i] - level) < 1e-12) {
        return i;
      }
    }
    return -1;
  }

  public double[] toArray() {
    return levels.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantileLevels q && Arrays.equals(levels, q.levels);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(levels);
  }

  @Override
  public String toString() {
    return Arrays.toString(levels);
  }
}
