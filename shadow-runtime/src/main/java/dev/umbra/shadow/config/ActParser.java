package dev.umbra.shadow.config;

import static dev.umbra.shadow.config.ConfigValues.bool;
import static dev.umbra.shadow.config.ConfigValues.duration;
import static dev.umbra.shadow.config.ConfigValues.get;
import static dev.umbra.shadow.config.ConfigValues.number;
import static dev.umbra.shadow.config.ConfigValues.whole;

import dev.umbra.shadow.action.ActionPolicy;
import java.util.Map;

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
      return new ShadowConfig.Act(bool(values, "act", false), policy);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

}
