package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.FallbackForecaster;
import dev.umbra.shadow.forecast.Forecaster;
import dev.umbra.shadow.forecast.HistoryWindow;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.ReplayingForecaster;
import dev.umbra.shadow.forecast.SelectingForecaster;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.baseline.EmpiricalPeakForecaster;
import dev.umbra.shadow.forecast.baseline.PeakLevel;
import dev.umbra.shadow.forecast.baseline.VpaForecaster;
import dev.umbra.shadow.series.SeriesName;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.series.SeriesWindow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Forecasts of live primaries. With {@link LearnedModels}, a target series at a live horizon is
 * served from the stream kept up to date every second (the LSTM where its rolling backtest beats
 * the baseline selector, else the selector); everything else, and a stream not ready yet, from
 * the per-workload selector over the empirical-peak models replayed over the series store's
 * recent window, falling back to the VPA recommender when history is short. Every forecast says
 * which model made it and why ({@code selection}, {@code fallbackReason}). Thread-safe: the
 * replay path uses fresh model state per call; live forecasts are immutable snapshots.
 */
public final class PrimaryForecasts {
  /** History a forecast looks at, at most. */
  static final Duration LOOKBACK = Duration.ofHours(2);
  /** Gaps up to this long are bridged with the last value; longer ones cut the history. */
  static final int BRIDGE_SECONDS = 5;

  private final SeriesStore store;
  private final Clock clock;
  private final Forecaster forecaster;
  private final LearnedModels live;
  private volatile Preferred preferred = (primaryId, series, horizon, levels) -> Optional.empty();

  /**
   * A forecaster to try before the local models for some primaries and series (fleet-trained
   * models); when it lacks history the local models answer. Thread-safe.
   */
  @FunctionalInterface
  public interface Preferred {
    Optional<Forecaster> forecaster(String primaryId, SeriesName series, Horizon horizon, QuantileLevels levels);
  }

  public PrimaryForecasts(SeriesStore store, Clock clock) {
    this(store, clock, null);
  }

  /**
   * @param live the live models (LSTM and selector, updated every second), or null for replayed
   *     baselines only
   */
  public PrimaryForecasts(SeriesStore store, Clock clock, LearnedModels live) {
    this.live = live;
    this.store = store;
    this.clock = clock;
    Duration gap = Duration.ofSeconds(30);
    Forecaster selected =
        new ReplayingForecaster(
            SelectingForecaster.factory(
                List.of(
                    EmpiricalPeakForecaster.factory(PeakLevel.EWMA, SeriesProfile::ofCanonical, gap),
                    EmpiricalPeakForecaster.factory(PeakLevel.RECENT_PEAK, SeriesProfile::ofCanonical, gap)),
                gap));
    this.forecaster =
        new FallbackForecaster(selected, new ReplayingForecaster(VpaForecaster.factory(SeriesProfile::ofCanonical)));
  }

  /**
   * Forecasts {@code series} of {@code primaryId}.
   *
   * @throws InsufficientHistoryException when even the fallback has too little history
   * @throws IllegalArgumentException when the primary has no point of the series at all
   */
  public QuantileForecast forecast(String primaryId, SeriesName series, Horizon horizon, QuantileLevels levels)
      throws InsufficientHistoryException {
    Optional<Forecaster> first = preferred.forecaster(primaryId, series, horizon, levels);
    if (first.isPresent()) {
      try {
        return first.get().forecast(history(primaryId, series, horizon.step()), horizon, levels);
      } catch (InsufficientHistoryException e) {
        // too little history for the preferred (fleet-trained) model yet: the local models answer
      }
    }
    if (live == null) {
      return forecaster.forecast(history(primaryId, series, horizon.step()), horizon, levels);
    }
    Optional<QuantileForecast> latest = live.streams().latest(primaryId, series.value(), horizon);
    long newest = store.newestSecond(primaryId, series);
    if (latest.isPresent() && newest != Long.MIN_VALUE
        && latest.get().origin().getEpochSecond() + 2 * horizon.step().toSeconds() + 1 >= newest) {
      return latest.get().atLevels(levels);
    }
    QuantileForecast replayed = forecaster.forecast(history(primaryId, series, horizon.step()), horizon, levels);
    return replayed.withSelection("replayed baselines; live selector: "
        + live.streams().problem(primaryId, series.value(), horizon));
  }

  /** Sets the forecaster tried first (see {@link Preferred}). */
  public void prefer(Preferred preferred) {
    this.preferred = Objects.requireNonNull(preferred, "preferred");
  }

  /**
   * The recent history of a series on the horizon's step: 1 s grid seconds averaged into steps,
   * short gaps bridged with the last value, cut after the newest long gap.
   */
  HistoryWindow history(String primaryId, SeriesName series, Duration step) {
    long newest = store.newestSecond(primaryId, series);
    if (newest == Long.MIN_VALUE) {
      throw new IllegalArgumentException("primary " + primaryId + " has no points of " + series);
    }
    long to = newest + 1;
    SeriesWindow grid = store.window(primaryId, series, to - LOOKBACK.toSeconds(), to);
    double[] values = grid.values();
    int start = 0;
    double last = Double.NaN;
    int missing = 0;
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        missing++;
        if (missing > BRIDGE_SECONDS || Double.isNaN(last)) {
          start = i + 1;
        } else {
          values[i] = last;
        }
      } else {
        if (missing > BRIDGE_SECONDS) {
          start = i;
        }
        missing = 0;
        last = Math.max(0, values[i]);
        values[i] = last;
      }
    }
    int perStep = (int) Math.max(1, step.toSeconds());
    int usable = values.length - start;
    int steps = usable / perStep;
    double[] out = new double[steps];
    int first = values.length - steps * perStep;
    for (int s = 0; s < steps; s++) {
      double sum = 0;
      for (int k = 0; k < perStep; k++) {
        sum += values[first + s * perStep + k];
      }
      out[s] = sum / perStep;
    }
    return HistoryWindow.of(series.value(), Duration.ofSeconds(perStep), out, Instant.ofEpochSecond(to));
  }

  Clock clock() {
    return clock;
  }
}
