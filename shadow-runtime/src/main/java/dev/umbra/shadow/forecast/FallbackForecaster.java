package dev.umbra.shadow.forecast;

import java.util.Objects;

/**
 * Uses the preferred forecaster and, when it has too little history, the fallback, marking the
 * forecast with the reason. Thread-safe when both are.
 */
public final class FallbackForecaster implements Forecaster {
  private final Forecaster preferred;
  private final Forecaster fallback;

  public FallbackForecaster(Forecaster preferred, Forecaster fallback) {
    this.preferred = Objects.requireNonNull(preferred, "preferred");
    this.fallback = Objects.requireNonNull(fallback, "fallback");
  }

  @Override
  public String name() {
    return preferred.name();
  }

  @Override
  public QuantileForecast forecast(HistoryWindow history, Horizon horizon, QuantileLevels levels)
      throws InsufficientHistoryException {
    try {
      return preferred.forecast(history, horizon, levels);
    } catch (InsufficientHistoryException e) {
      return fallback
          .forecast(history, horizon, levels)
          .asFallback(preferred.name() + ": " + e.getMessage());
    }
  }
}
