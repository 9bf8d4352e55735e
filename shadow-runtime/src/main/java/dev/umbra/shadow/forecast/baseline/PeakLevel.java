package dev.umbra.shadow.forecast.baseline;

/**
 * The point level an {@link EmpiricalPeakForecaster} scales its learned ratios by, at the
 * forecast origin t with horizon H.
 */
public enum PeakLevel {
  /** Exponentially weighted moving average of the samples, half-life H. Model "ewma". */
  EWMA("ewma"),
  /**
   * Peak of the same span one day earlier, (t − 1 d, t − 1 d + H]; the recent peak when that span
   * has no samples. Model "seasonal-naive".
   */
  SEASONAL_NAIVE("seasonal-naive"),
  /** Peak of the last span, (t − H, t]. Model "recent-peak". */
  RECENT_PEAK("recent-peak");

  private final String modelName;

  PeakLevel(String modelName) {
    this.modelName = modelName;
  }

  public String modelName() {
    return modelName;
  }
}
