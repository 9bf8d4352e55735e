package dev.umbra.shadow.forecast;

import java.util.Objects;

/**
 * A {@link Forecaster} made from an {@link OnlineForecaster.Factory}: replays the window into a
 * fresh online model and asks it. Thread-safe (nothing is shared between calls); costs one pass
 * over the window per call, so the shadow keeps long-lived online models where it can.
 */
public final class ReplayingForecaster implements Forecaster {
  private final OnlineForecaster.Factory factory;

  public ReplayingForecaster(OnlineForecaster.Factory factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  @Override
  public String name() {
    return factory.name();
  }

  @Override
  public QuantileForecast forecast(HistoryWindow history, Horizon horizon, QuantileLevels levels)
      throws InsufficientHistoryException {
    if (history.size() == 0) {
      throw new InsufficientHistoryException("no history for " + history.series());
    }
    OnlineForecaster model = factory.create(history.series(), horizon, levels);
    for (int i = 0; i < history.size(); i++) {
      model.observe(history.timeOf(i), history.value(i));
    }
    return model.forecast(history.end());
  }
}
