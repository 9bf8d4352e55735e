package dev.umbra.shadow.forecast;

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
    return new Horizon(steps, parseDuration(text.substring(x + 1).trim(), "horizon '" + text + "'"));
  }

  /** Parses {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d}. */
  public static Duration parseDuration(String text, String what) {
    String unit = text.replaceAll("^[0-9]+", "");
    String number = text.substring(0, text.length() - unit.length());
    if (number.isEmpty()) {
      throw new IllegalArgumentException(what + ": '" + text + "' is not a duration like 10s or 5m");
    }
    long n = Long.parseLong(number);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException(
          what + ": unit of '" + text + "' must be ms, s, m, h or d");
    };
  }
}
