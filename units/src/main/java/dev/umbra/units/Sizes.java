package dev.umbra.units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes: a number, whole or decimal, and an optional multiple {@code k}, {@code m},
 * {@code g}, {@code t} (binary: 1k = 1024 bytes) followed by an optional {@code i}, {@code b} or
 * {@code ib}, or a bare {@code b}: {@code 1048576}, {@code 512k}, {@code 512m}, {@code 1.5g},
 * {@code 2t}, {@code 2GiB}, {@code 512MB}; any case, surrounding blanks ignored. A fraction of a
 * byte is dropped ({@code 0.3k} is 307). Negative sizes and sizes past {@link Long#MAX_VALUE}
 * bytes are errors.
 */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:([kmgt])(?:i|ib|b)?|b)?", Pattern.CASE_INSENSITIVE);
  private static final String EXAMPLE = "(e.g. 1048576, 512k, 512m, 1.5g)";
  private static final BigDecimal MAX_BYTES = BigDecimal.valueOf(Long.MAX_VALUE);

  private Sizes() {}

  /**
   * Parses {@code text}, the value of {@code key}.
   *
   * @param key the setting's name as the user wrote it ({@code spawn.heap}, {@code --memory}),
   *     first word of every error
   * @param text the value
   * @return bytes, zero or more
   * @throws IllegalArgumentException one line naming the key and the value, with an example, if
   *     the value is not a size, is negative or overflows
   */
  public static long parse(String key, String text) {
    Objects.requireNonNull(key, "key");
    String t = text == null ? "" : text.strip();
    if (t.startsWith("-")) {
      throw error(key, text, "is negative " + EXAMPLE);
    }
    Matcher m = SIZE.matcher(t);
    if (!m.matches()) {
      throw error(key, text, "is not a size " + EXAMPLE);
    }
    int shift = m.group(2) == null ? 0 : switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      default -> 40;
    };
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift)).setScale(0, RoundingMode.FLOOR);
    if (bytes.compareTo(MAX_BYTES) > 0) {
      throw error(key, text, "is too large (at most 8388607t)");
    }
    return bytes.longValueExact();
  }

  /**
   * Parses as {@link #parse}, more than zero: for limits and buffers, where 0 bytes is a mistake.
   *
   * @param key the setting's name, first word of every error
   * @param text the value
   * @return bytes, more than zero
   * @throws IllegalArgumentException as {@link #parse}, and if the size is zero
   */
  public static long parsePositive(String key, String text) {
    long bytes = parse(key, text);
    if (bytes == 0) {
      throw error(key, text, "is not a positive size " + EXAMPLE);
    }
    return bytes;
  }

  private static IllegalArgumentException error(String key, String text, String what) {
    return new IllegalArgumentException(key + ": '" + text + "' " + what);
  }
}
