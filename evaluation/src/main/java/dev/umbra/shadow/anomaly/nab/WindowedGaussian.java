package dev.umbra.shadow.anomaly.nab;

import dev.umbra.shadow.anomaly.Gaussian;

/**
 * NAB's windowed-Gaussian baseline, as NAB implements it: the score of a value is 1 − its
 * one-sided tail probability (mirrored below the mean) under a normal fitted to the previous values (the first
 * 6400, then a window of 6400 that slides by 100 at a time). Scores precede the update: no look-ahead.
 * A missing value ({@code NaN}) scores 0 and is not learnt.
 */
public final class WindowedGaussian {
  static final int WINDOW = 6400;
  static final int STEP = 100;

  private WindowedGaussian() {}

  public static double[] scores(double[] values) {
    double[] out = new double[values.length];
    double[] window = new double[WINDOW];
    int size = 0;
    double[] buffer = new double[STEP];
    int buffered = 0;
    double mean = 0;
    double std = 1e-6;
    for (int i = 0; i < values.length; i++) {
      double x = values[i];
      if (Double.isNaN(x)) {
        continue; // a missing value: scored 0, not learnt
      }
      out[i] = size > 0 ? 1 - tail(x, mean, std) : 0;
      if (size < WINDOW) {
        window[size++] = x;
        double[] ms = meanStd(window, size);
        mean = ms[0];
        std = ms[1];
      } else {
        buffer[buffered++] = x;
        if (buffered == STEP) {
          System.arraycopy(window, STEP, window, 0, WINDOW - STEP);
          System.arraycopy(buffer, 0, window, WINDOW - STEP, STEP);
          buffered = 0;
          double[] ms = meanStd(window, size);
          mean = ms[0];
          std = ms[1];
        }
      }
    }
    return out;
  }

  private static double[] meanStd(double[] w, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += w[i];
    }
    double mean = sum / n;
    double ss = 0;
    for (int i = 0; i < n; i++) {
      ss += (w[i] - mean) * (w[i] - mean);
    }
    double std = Math.sqrt(ss / n);
    return new double[] {mean, std == 0 ? 1e-6 : std};
  }

  /** P(X &gt; x) for x at or above the mean, mirrored below it (NAB's normalProbability). */
  static double tail(double x, double mean, double std) {
    double z = Math.abs(x - mean) / std;
    return 0.5 * Gaussian.erfc(z / Math.sqrt(2));
  }
}
