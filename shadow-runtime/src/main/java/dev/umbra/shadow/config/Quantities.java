package dev.umbra.shadow.config;

/**
 * Parses CPU quantities. Sizes and durations are {@link dev.umbra.units.Sizes} and {@link
 * dev.umbra.units.Durations}, the grammar every module shares.
 */
public final class Quantities {
  private Quantities() {}

  /** CPU cores from "2", "1.5", "0.25": a finite number above zero. */
  public static double parseCores(String text) {
    try {
      double cores = Double.parseDouble(text.trim());
      if (cores > 0 && Double.isFinite(cores)) {
        return cores;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("'" + text + "' is not a positive number of cores (e.g. 2, 1.5, 0.25)");
  }
}
