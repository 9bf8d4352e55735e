package dev.umbra.shadow.forecast.baseline;

/**
 * What the VPA recommender would set, in the series' unit. {@code upperBound} is infinite while
 * the confidence is 0 (no history), as in VPA.
 */
public record VpaRecommendation(double target, double lowerBound, double upperBound) {
  public VpaRecommendation {
    if (!Double.isFinite(target) || !Double.isFinite(lowerBound) || Double.isNaN(upperBound)) {
      throw new IllegalArgumentException(
          "recommendation must be finite: " + target + ", " + lowerBound + ", " + upperBound);
    }
  }
}
