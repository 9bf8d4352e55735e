package dev.umbra.shadow.config;

import dev.umbra.units.Durations;
import dev.umbra.units.Sizes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Builds {@link ShadowConfig.Manage} from the merged values; each failure names key and value. */
final class ManageParser {
  private ManageParser() {}

  static ShadowConfig.Manage parse(Map<String, String> values) throws ConfigException {
    ShadowConfig.Manage d = ShadowConfig.Manage.off();
    try {
      return new ShadowConfig.Manage(
          mode(get(values, "manage").orElse("off")),
          get(values, "allocator").orElse(d.allocator()).toLowerCase(Locale.ROOT),
          options(get(values, "allocator-options").orElse("")),
          number(values, "manage-confidence", d.confidence()),
          number(values, "manage-threshold", d.threshold()),
          duration(values, "manage-lead", d.lead()),
          duration(values, "manage-every", d.every()),
          number(values, "manage-headroom", d.headroom()),
          number(values, "manage-band", d.band()),
          duration(values, "manage-cooldown", d.cooldown()),
          number(values, "manage-max-step", d.maxStep()),
          number(values, "manage-cpu-min", d.cpuMin()),
          number(values, "manage-cpu-max", d.cpuMax()),
          bytes(values, "manage-memory-min", d.memoryMin()),
          bytes(values, "manage-memory-max", d.memoryMax()),
          bool(values, "manage-jvm", d.jvm()),
          pod(get(values, "pod")),
          bool(values, "manage-io", d.io()),
          bytes(values, "manage-io-min", d.ioMin()),
          bytes(values, "manage-io-max", d.ioMax()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static Optional<String> get(Map<String, String> values, String key) {
    return Optional.ofNullable(values.get(key)).map(String::strip).filter(s -> !s.isEmpty());
  }

  private static ShadowConfig.Manage.Mode mode(String text) throws ConfigException {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "off", "false" -> ShadowConfig.Manage.Mode.OFF;
      case "recommend" -> ShadowConfig.Manage.Mode.RECOMMEND;
      case "auto", "true" -> ShadowConfig.Manage.Mode.AUTO;
      default -> throw new ConfigException("manage: '" + text + "' is not off, recommend, auto, true or false");
    };
  }

  /** {@code k=v,k=v} into a map. */
  private static Map<String, String> options(String text) throws ConfigException {
    Map<String, String> map = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("allocator-options: '" + part.strip() + "' is not key=value");
      }
      map.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
    }
    return map;
  }

  private static double number(Map<String, String> values, String key, double fallback) throws ConfigException {
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

  private static long bytes(Map<String, String> values, String key, long fallback) throws ConfigException {
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

  private static Duration duration(Map<String, String> values, String key, Duration fallback) throws ConfigException {
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

  private static boolean bool(Map<String, String> values, String key, boolean fallback) throws ConfigException {
    Optional<String> value = get(values, key);
    if (value.isEmpty()) {
      return fallback;
    }
    return switch (value.get().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key + ": '" + value.get() + "' is not true or false");
    };
  }

  private static Optional<String> pod(Optional<String> value) throws ConfigException {
    if (value.isPresent() && value.get().split("/", -1).length != 3) {
      throw new ConfigException("pod: '" + value.get() + "' is not NAMESPACE/POD/CONTAINER");
    }
    return value;
  }
}
