package dev.umbra.shadow.manager;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.Provenance;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import java.time.Duration;
import java.time.Instant;

/** Hand-made forecasts: the peak over a 10 s horizon at p05, p50, p90, p95, p99. */
final class Forecasts {
  static final QuantileLevels LEVELS = QuantileLevels.DEFAULT;
  static final Horizon HORIZON = new Horizon(10, Duration.ofSeconds(1));

  private Forecasts() {}

  /** A forecast whose peak quantiles are {@code peak} (p05, p50, p90, p95, p99). */
  static QuantileForecast peak(String series, double... peak) {
    double[][] steps = new double[HORIZON.steps()][];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = peak.clone();
    }
    return QuantileForecast.of(new Provenance(series, "hand-made", "1"), Instant.parse("2026-01-01T00:00:00Z"),
        HORIZON, LEVELS, steps, peak);
  }
}
