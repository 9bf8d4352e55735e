package dev.umbra.shadow.config;

import static dev.umbra.shadow.config.ConfigValues.bool;
import static dev.umbra.shadow.config.ConfigValues.bytes;
import static dev.umbra.shadow.config.ConfigValues.duration;
import static dev.umbra.shadow.config.ConfigValues.get;
import static dev.umbra.shadow.config.ConfigValues.number;

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

  private static Optional<String> pod(Optional<String> value) throws ConfigException {
    if (value.isPresent() && value.get().split("/", -1).length != 3) {
      throw new ConfigException("pod: '" + value.get() + "' is not NAMESPACE/POD/CONTAINER");
    }
    return value;
  }
}
