package dev.umbra.shadow.forecast;

/** The pinball (quantile) loss, the proper scoring rule for quantile forecasts. */
public final class PinballLoss {
  private PinballLoss() {}

  /** Loss of quantile {@code q} at level {@code tau} when {@code actual} happened. */
  public static double of(double actual, double q, double tau) {
    double diff = actual - q;
    return diff >= 0 ? tau * diff : (tau - 1) * diff;
  }

  /** Mean loss over the levels of a row of quantiles aligned with {@code levels}. */
  public static double mean(double actual, double[] quantiles, QuantileLevels levels) {
    double sum = 0;
    for (int j = 0; j < quantiles.length; j++) {
      sum += of(actual, quantiles[j], levels.get(j));
    }
    return sum / quantiles.length;
  }
}
