package dev.umbra.shadow.manager;

import java.util.Arrays;

/** Arithmetic on windows of per-second values, oldest first, NaN where a second is missing. Pure. */
final class Windows {
  private Windows() {}

  /** The largest value, NaN when there is none. */
  static double max(double[] values) {
    double m = Double.NaN;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        m = Double.isNaN(m) ? v : Math.max(m, v);
      }
    }
    return m;
  }

  /** The peak of the oldest third of {@code values}. */
  static double oldestThirdPeak(double[] values) {
    return max(Arrays.copyOfRange(values, 0, values.length / 3));
  }

  /** The peak of the newest third of {@code values}. */
  static double newestThirdPeak(double[] values) {
    return max(Arrays.copyOfRange(values, values.length - values.length / 3, values.length));
  }

  /** Whether the peak of the newest third is more than {@code fraction} above that of the oldest. */
  static boolean growing(double[] values, double fraction) {
    if (values.length < 3) {
      return false;
    }
    double old = oldestThirdPeak(values);
    double recent = newestThirdPeak(values);
    return !Double.isNaN(old) && !Double.isNaN(recent) && recent > old * (1 + fraction);
  }

  /** The largest rise from any second to the peak of the {@code seconds} after it. */
  static double largestRise(double[] values, int seconds) {
    double rise = 0;
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        continue;
      }
      for (int j = i + 1; j <= Math.min(values.length - 1, i + seconds); j++) {
        if (!Double.isNaN(values[j])) {
          rise = Math.max(rise, values[j] - values[i]);
        }
      }
    }
    return rise;
  }
}
