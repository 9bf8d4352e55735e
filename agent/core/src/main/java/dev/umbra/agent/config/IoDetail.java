package dev.umbra.agent.config;

import java.util.Locale;
import java.util.Optional;

/**
 * How much the I/O hooks record beside the exact totals (bytes and operations of disk and
 * network, always counted): the per-endpoint breakdown ({@code IoBreakdown}) and its latency.
 */
public enum IoDetail {
  /** Totals only: no per-endpoint breakdown (a diagnostic setting). */
  OFF,
  /** Every operation in the per-endpoint breakdown, timed, with its access pattern. */
  FULL;

  static Optional<IoDetail> parse(String text) {
    for (IoDetail value : values()) {
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
