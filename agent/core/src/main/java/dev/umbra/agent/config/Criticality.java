package dev.umbra.agent.config;

import java.util.Locale;
import java.util.Optional;

/**
 * How much a primary matters, which sets how densely the agent samples it (docs/architecture.md,
 * "Names").
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
