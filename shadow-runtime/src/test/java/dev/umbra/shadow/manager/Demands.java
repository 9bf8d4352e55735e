package dev.umbra.shadow.manager;

import dev.umbra.shadow.forecast.QuantileForecast;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/** Hand-made {@link Demand}s for the deciders' tests, all at {@link #NOW}. */
final class Demands {
  static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
  static final long MIB = 1 << 20;

  private Demands() {}

  /** A limited resource with a forecast, last changed (or first seen) {@code secondsAgo} before now. */
  static Demand of(double current, double usage, QuantileForecast forecast, long secondsAgo) {
    return new Demand(OptionalDouble.of(current), usage, Optional.of(forecast), "", NOW,
        Optional.of(NOW.minusSeconds(secondsAgo)));
  }

  /** A resource without a limit, never changed. */
  static Demand unlimited(double usage, QuantileForecast forecast) {
    return new Demand(OptionalDouble.empty(), usage, Optional.of(forecast), "", NOW, Optional.empty());
  }

  /** A limited resource while no forecast is ready, for the reason {@code notReady}. */
  static Demand withoutForecast(double current, double usage, String notReady) {
    return new Demand(OptionalDouble.of(current), usage, Optional.empty(), notReady, NOW, Optional.of(NOW));
  }
}
