package dev.umbra.shadow.config;

import dev.umbra.shadow.action.ActionPolicy;
import dev.umbra.units.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Builds {@link ShadowConfig.Act} from the merged values ({@code act}, {@code act-*}); each failure names key and value. */
final class ActParser {
  private ActParser() {}

  static ShadowConfig.Act parse(Map<String, String> values) throws ConfigException {
    ActionPolicy d = ActionPolicy.defaults();
    try {
      ActionPolicy policy = new ActionPolicy(
          ActionPolicy.parseRules(get(values, "act-rules").orElse(ActionPolicy.DEFAULT_RULES)),
          number(values, "act-min-score", d.minScore()),
          duration(values, "act-cooldown", d.cooldown()),
          whole(values, "act-budget", d.budget()),
          duration(values, "act-window", d.window()),
          number(values, "act-cpu-step", d.cpuStepCores()),
          number(values, "act-memory-step", d.memoryStep()));
      return new ShadowConfig.Act(on(get(values, "act").orElse("false")), policy);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static Optional<String> get(Map<String, String> values, String key) {
    return Optional.ofNullable(values.get(key)).map(String::strip).filter(s -> !s.isEmpty());
  }

  private static boolean on(String text) throws ConfigException {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "on" -> true;
      case "false", "off" -> false;
      default -> throw new ConfigException("act: '" + text + "' is not true, false, on or off");
    };
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

  private static int whole(Map<String, String> values, String key, int fallback) throws ConfigException {
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
}
