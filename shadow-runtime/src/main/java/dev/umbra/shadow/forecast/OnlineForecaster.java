package dev.umbra.shadow.forecast;

import java.time.Instant;

/**
 * A forecaster of one series fed sample by sample, for a fixed horizon: the shape the shadow
 * runs per primary and series, and the backtest runs per VM and resource. Not thread-safe:
 * each instance is confined to the thread that feeds it.
 */
public interface OnlineForecaster {
  /** Stable model name, e.g. "vpa". */
  String name();

  /**
   * Adds one observation. Times must not go backwards; a value must be finite and >= 0.
   *
   * @throws IllegalArgumentException for a NaN, negative value or a time before the last one
   */
  void observe(Instant at, double value);

  /**
   * The forecast for the horizon this instance was created for, from everything observed so far.
   *
   * @param origin time of the forecast, at or after the last observation
   * @throws InsufficientHistoryException when too little has been observed
   */
  QuantileForecast forecast(Instant origin) throws InsufficientHistoryException;

  /** Makes one {@link OnlineForecaster} per series and horizon. Thread-safe. */
  interface Factory {
    String name();

    /**
     * @param series the series it will be fed, which selects per-resource settings
     * @param horizon what it forecasts
     * @param levels the quantile levels of its forecasts
     */
    OnlineForecaster create(String series, Horizon horizon, QuantileLevels levels);

    /** A factory named {@code name} that makes each forecaster with {@code maker}. */
    static Factory of(String name, Maker maker) {
      return new Factory() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public OnlineForecaster create(String series, Horizon horizon, QuantileLevels levels) {
          return maker.create(series, horizon, levels);
        }
      };
    }
  }

  /** How a {@link Factory#of} factory makes one forecaster. */
  @FunctionalInterface
  interface Maker {
    OnlineForecaster create(String series, Horizon horizon, QuantileLevels levels);
  }
}
