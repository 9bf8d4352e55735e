package dev.umbra.shadow.manager;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.live.PrimaryForecasts;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.series.SeriesWindow;

/**
 * What the manager reads about a primary: forecasts and recent values of its canonical series
 * (the telemetry the agents sent; not OS signals, which {@code cli.Signals} forwards).
 */
interface TelemetrySource {

  /**
   * @throws InsufficientHistoryException when no model can forecast yet
   * @throws IllegalArgumentException when the primary has no point of the series
   */
  QuantileForecast forecast(String primaryId, Canonical series, Horizon horizon, QuantileLevels levels)
      throws InsufficientHistoryException;

  /** The newest second of the series, {@code Long.MIN_VALUE} when none. */
  long newestSecond(String primaryId, Canonical series);

  /** The last {@code seconds} seconds up to and including {@code newest}, NaN where missing. */
  double[] recent(String primaryId, Canonical series, long newest, int seconds);

  /** The live store and forecasts. */
  static TelemetrySource of(PrimaryForecasts forecasts, SeriesStore store) {
    return new TelemetrySource() {
      @Override
      public QuantileForecast forecast(String primaryId, Canonical series, Horizon horizon, QuantileLevels levels)
          throws InsufficientHistoryException {
        return forecasts.forecast(primaryId, series.seriesName(), horizon, levels);
      }

      @Override
      public long newestSecond(String primaryId, Canonical series) {
        return store.newestSecond(primaryId, series.seriesName());
      }

      @Override
      public double[] recent(String primaryId, Canonical series, long newest, int seconds) {
        SeriesWindow w = store.window(primaryId, series.seriesName(), newest - seconds + 1, newest + 1);
        return w.values();
      }
    };
  }
}
