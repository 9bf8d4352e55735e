package dev.umbra.agent.config;

import java.util.Locale;
import java.util.Optional;

/**
 * How much a primary matters, which chooses the agent's sampling preset ({@link Sampling#preset}):
 * the {@code criticality} option, or a {@code SetSampling} from the shadow. The agent's own type:
 * it cannot use the shadow's, and protobuf stays in {@code transport}, whose {@code WireMapping}
 * alone converts it to and from {@code umbra.v1.Criticality} (docs/architecture.md, "One concept,
 * one type per layer").
 */
public enum Criticality {
  LOW,
  NORMAL,
  HIGH;

  static Optional<Criticality> parse(String text) {
    for (Criticality value : values()) {
      if (value.name().equals(text.trim().toUpperCase(Locale.ROOT))) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
