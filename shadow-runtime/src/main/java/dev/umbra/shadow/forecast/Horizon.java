package dev.umbra.shadow.forecast;

import dev.umbra.units.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * How far ahead a forecast reaches: {@code steps} steps of length {@code step}; step {@code i}
 * (0-based) ends at {@code origin + (i + 1) * step}.
 */
public record Horizon(int steps, Duration step) {
  /** The default horizon of the contract: 60 steps of 1 s. */
  public static final Horizon DEFAULT = new Horizon(60, Duration.ofSeconds(1));

  public Horizon {
    Objects.requireNonNull(step, "step");
    if (steps < 1) {
      throw new IllegalArgumentException("horizon steps must be >= 1, got " + steps);
    }
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("horizon step must be positive, got " + step);
    }
  }

  /** The whole span, {@code steps * step}. */
  public Duration duration() {
    return step.multipliedBy(steps);
  }

  /**
   * Parses {@code STEPSxSTEP}, e.g. {@code 60x1s}, {@code 60x10s}, {@code 12x5m}, {@code 24x1h}.
   *
   * @throws IllegalArgumentException naming the text when it does not parse
   */
  public static Horizon parse(String text) {
    Objects.requireNonNull(text, "text");
    int x = text.indexOf('x');
    if (x <= 0 || x == text.length() - 1) {
      throw new IllegalArgumentException("horizon '" + text + "': expected STEPSxSTEP, e.g. 60x1s");
    }
    int steps;
    try {
      steps = Integer.parseInt(text.substring(0, x).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("horizon '" + text + "': steps is not an integer", e);
    }
    return new Horizon(steps, Durations.parse("horizon '" + text + "'", text.substring(x + 1).trim()));
  }
}
