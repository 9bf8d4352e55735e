package dev.umbra.shadow.anomaly;

import java.util.Locale;

/** What an anomaly looks like. */
public enum Kind {
  /** A short excursion outside the expected band, back within a few steps. */
  SPIKE,
  /** A lasting change of level. */
  LEVEL_SHIFT,
  /** A steady climb or fall, e.g. a memory leak. */
  TREND,
  /** A series that stops moving or drops to zero, e.g. throughput. */
  STALL;

  /** Lower case with dashes, as logs and alerts print it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
