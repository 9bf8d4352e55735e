package dev.umbra.shadow.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human forms of sizes ("512m", "2g") and durations ("30s", "500ms", "5m"). */
public final class Quantities {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)i?b?");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

  private Quantities() {}

  /** Bytes from "1048576", "512k", "512m", "1.5g", "2t" (binary multiples; "mib" and "mb" alike). */
  public static long parseBytes(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 512m, 2g)");
    }
    double value = Double.parseDouble(m.group(1));
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    double bytes = value * (1L << shift);
    if (bytes > Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return (long) bytes;
  }

  /** Bytes as {@link #parseBytes}, more than zero (a limit or a buffer of 0 bytes is a mistake). */
  public static long parsePositiveBytes(String text) {
    long bytes = parseBytes(text);
    if (bytes <= 0) {
      throw new IllegalArgumentException("'" + text + "' is not a positive size (e.g. 512m, 2g)");
    }
    return bytes;
  }

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

  /** A duration from "500ms", "30s", "5m", "2h", "1d", or an ISO-8601 "PT30S". */
  public static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("pt") || t.startsWith("p")) {
      try {
        return Duration.parse(text.trim());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 30s, 5m)");
      }
    }
    Matcher m = DURATION.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500ms, 30s, 5m)");
    }
    double value = Double.parseDouble(m.group(1));
    double millis =
        switch (m.group(2)) {
          case "ms" -> value;
          case "s" -> value * 1_000;
          case "m" -> value * 60_000;
          case "h" -> value * 3_600_000;
          default -> value * 86_400_000;
        };
    return Duration.ofMillis(Math.round(millis));
  }
}
