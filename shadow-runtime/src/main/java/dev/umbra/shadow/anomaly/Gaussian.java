package dev.umbra.shadow.anomaly;

/** The normal distribution's tail, for the likelihood layer and NAB's windowed-Gaussian baseline. */
public final class Gaussian {
  private Gaussian() {}

  /** Complementary error function, fractional error below 1.2e-7 (Numerical Recipes, erfcc). */
  public static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }
}
