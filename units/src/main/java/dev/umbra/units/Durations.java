package dev.umbra.units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations: a number, whole or decimal, and a unit {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d} ({@code 500ms}, {@code 30s}, {@code 1.5m}, {@code 2h}, {@code 1d}), or
 * ISO-8601 ({@code PT30S}, {@code P1D}); any case, surrounding blanks ignored. Zero is a duration
 * ({@code 0s}); negative ones and ones past {@link Duration}'s range are errors.
 */
public final class Durations {
  private static final Pattern HUMAN = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
  private static final String EXAMPLE = "(e.g. 500ms, 30s, 5m, PT30S)";
  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(Long.MAX_VALUE);

  private Durations() {}

  /**
   * Parses {@code text}, the value of {@code key}.
   *
   * @param key the setting's name as the user wrote it ({@code manage-lead}, {@code --step}),
   *     first word of every error
   * @param text the value
   * @return the duration, zero or more
   * @throws IllegalArgumentException one line naming the key and the value, with an example, if
   *     the value is not a duration, is negative or overflows
   */
  public static Duration parse(String key, String text) {
    Objects.requireNonNull(key, "key");
    String t = text == null ? "" : text.strip();
    if (t.startsWith("-")) {
      throw error(key, text, "is negative " + EXAMPLE);
    }
    if (t.regionMatches(true, 0, "P", 0, 1)) {
      return iso(key, text, t);
    }
    Matcher m = HUMAN.matcher(t);
    if (!m.matches()) {
      throw error(key, text, "is not a duration " + EXAMPLE);
    }
    BigDecimal seconds = new BigDecimal(m.group(1))
        .multiply(unitSeconds(m.group(2).toLowerCase(Locale.ROOT)))
        .setScale(9, RoundingMode.HALF_UP);
    if (seconds.compareTo(MAX_SECONDS) > 0) {
      throw error(key, text, "is too long " + EXAMPLE);
    }
    BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
    return Duration.ofSeconds(whole.longValueExact(), seconds.subtract(whole).movePointRight(9).intValueExact());
  }

  /**
   * Parses as {@link #parse}, more than zero: for periods and timeouts, where 0 is a mistake.
   *
   * @param key the setting's name, first word of every error
   * @param text the value
   * @return the duration, more than zero
   * @throws IllegalArgumentException as {@link #parse}, and if the duration is zero
   */
  public static Duration parsePositive(String key, String text) {
    Duration d = parse(key, text);
    if (d.isZero()) {
      throw error(key, text, "is not a positive duration " + EXAMPLE);
    }
    return d;
  }

  private static Duration iso(String key, String text, String t) {
    Duration d;
    try {
      d = Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      // Duration.parse reports overflow this way too
      throw error(key, text, "is not a duration " + EXAMPLE);
    }
    if (d.isNegative()) {
      throw error(key, text, "is negative " + EXAMPLE);
    }
    return d;
  }

  private static BigDecimal unitSeconds(String unit) {
    return switch (unit) {
      case "ms" -> new BigDecimal("0.001");
      case "s" -> BigDecimal.ONE;
      case "m" -> BigDecimal.valueOf(60);
      case "h" -> BigDecimal.valueOf(3_600);
      default -> BigDecimal.valueOf(86_400);
    };
  }

  private static IllegalArgumentException error(String key, String text, String what) {
    return new IllegalArgumentException(key + ": '" + text + "' " + what);
  }
}
