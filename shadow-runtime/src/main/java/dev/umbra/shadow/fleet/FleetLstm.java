package dev.umbra.shadow.fleet;

import dev.umbra.shadow.forecast.Forecaster;
import dev.umbra.shadow.forecast.HistoryWindow;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.lstm.LstmForecaster;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.ModelSource;
import java.time.Duration;

/**
 * A fleet-trained LSTM as a {@link Forecaster} for the shadow's live 1 s series: each call
 * replays the newest {@link #REPLAY_SECONDS} of the window into a fresh {@link LstmForecaster}
 * (the node shadow's own inference code) on a copy of the network. Thread-safe.
 */
final class FleetLstm implements Forecaster {
  /** Replayed per forecast: the LSTM's state comes from the last 168 blocks at most anyway. */
  static final int REPLAY_SECONDS = 1800;
  static final Duration MAX_GAP = Duration.ofSeconds(5);

  private final String series;
  private final LstmModel model;

  FleetLstm(String series, LstmModel model) {
    this.series = series;
    this.model = model;
  }

  /** Whether this model answers {@code horizon} at {@code levels} (the ones it was trained for). */
  boolean fits(Horizon horizon, QuantileLevels levels) {
    return horizon.step().equals(Duration.ofSeconds(1))
        && horizon.duration().toSeconds() == model.horizonSec()
        && levels.equals(model.levels());
  }

  /** A fresh online instance, for backtests. */
  OnlineForecaster online(Horizon horizon, QuantileLevels levels) {
    return new LstmForecaster(series, SeriesProfile.ofCanonical(series), horizon, levels, ModelSource.fixed(model),
        LstmForecaster.Timing.aligned(model.blockSec(), MAX_GAP));
  }

  LstmModel model() {
    return model;
  }

  @Override
  public String name() {
    return LstmForecaster.NAME;
  }

  @Override
  public QuantileForecast forecast(HistoryWindow history, Horizon horizon, QuantileLevels levels)
      throws InsufficientHistoryException {
    if (!fits(horizon, levels)) {
      throw new InsufficientHistoryException("the fleet model of " + series + " answers " + model.horizonSec()
          + " s at 1 s steps and levels " + model.levels());
    }
    OnlineForecaster f = online(horizon, levels);
    for (int i = Math.max(0, history.size() - REPLAY_SECONDS); i < history.size(); i++) {
      f.observe(history.timeOf(i), history.value(i));
    }
    return f.forecast(history.end());
  }
}
