package dev.umbra.shadow.config;

import dev.umbra.units.Durations;
import dev.umbra.units.Sizes;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of the merged configuration values (flags, environment, file): a missing or blank
 * key gives the fallback; a value that is not of its type is a {@link ConfigException} naming the
 * key and the value. Durations and sizes follow the one grammar of {@code dev.umbra.units}.
 */
final class ConfigValues {
  private ConfigValues() {}

  static Optional<String> get(Map<String, String> values, String key) {
    return Optional.ofNullable(values.get(key)).map(String::strip).filter(s -> !s.isEmpty());
  }

  static double number(Map<String, String> values, String key, double fallback) throws ConfigException {
    Optional<String> value = get(values, key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      double parsed = Double.parseDouble(value.get());
      if (Double.isFinite(parsed)) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(key + ": '" + value.get() + "' is not a number");
  }

  static int whole(Map<String, String> values, String key, int fallback) throws ConfigException {
    Optional<String> value = get(values, key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": '" + value.get() + "' is not a whole number");
    }
  }

  static long bytes(Map<String, String> values, String key, long fallback) throws ConfigException {
    Optional<String> value = get(values, key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Sizes.parse(key, value.get());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  static Duration duration(Map<String, String> values, String key, Duration fallback) throws ConfigException {
    Optional<String> value = get(values, key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Durations.parse(key, value.get());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  static boolean bool(Map<String, String> values, String key, boolean fallback) throws ConfigException {
    Optional<String> value = get(values, key);
    if (value.isEmpty()) {
      return fallback;
    }
    return switch (value.get().toLowerCase(Locale.ROOT)) {
      case "true", "on" -> true;
      case "false", "off" -> false;
      default -> throw new ConfigException(key + ": '" + value.get() + "' is not true, false, on or off");
    };
  }
}
