package dev.umbra.shadow.series;

import java.time.Duration;
import java.util.Objects;

/**
 * How long history is kept: 1 s points for {@code raw}, then one row per minute (mean, min, max)
 * for {@code minutes}.
 */
public record Retention(Duration raw, Duration minutes) {
  public Retention {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(minutes, "minutes");
    if (raw.isNegative() || raw.isZero() || minutes.compareTo(raw) < 0) {
      throw new IllegalArgumentException(
          "retention: raw (" + raw + ") must be positive and minutes (" + minutes + ") at least as long");
    }
  }

  public static Retention defaults() {
    return new Retention(Duration.ofDays(1), Duration.ofDays(30));
  }
}
