package dev.umbra.shadow.forecast;

/** Quantiles of sorted samples, linearly interpolated between order statistics (Hyndman–Fan type 7). */
public final class Quantiles {
  private Quantiles() {}

  /** The {@code q} quantile of all of {@code sorted}, which is ascending and not empty. */
  public static double ofSorted(double[] sorted, double q) {
    return ofSorted(sorted, sorted.length, q);
  }

  /** The {@code q} quantile (clamped to [0, 1]) of the first {@code count} values of ascending {@code sorted}. */
  public static double ofSorted(double[] sorted, int count, double q) {
    if (count < 1 || count > sorted.length) {
      throw new IllegalArgumentException("count " + count + " of " + sorted.length + " values");
    }
    double pos = Math.max(0, Math.min(1, q)) * (count - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(count - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
