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
  /**
   * One operation in 16 in the per-endpoint breakdown, counted 16 times: bytes and operations
   * per endpoint as estimates, no latency, no access pattern. The default at low and normal.
   */
  SAMPLED,
  /**
   * Every operation in the per-endpoint breakdown, timed, with its access pattern. The default
   * at high.
   */
  FULL;

  /** The default for a criticality: what it is worth paying per I/O operation. */
  public static IoDetail of(Criticality criticality) {
    return criticality == Criticality.HIGH ? FULL : SAMPLED;
  }

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
