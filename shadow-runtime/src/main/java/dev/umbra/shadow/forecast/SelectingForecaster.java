package dev.umbra.shadow.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-workload model selection by a {@link RollingBacktest} that runs as data arrives: every
 * horizon it asks each candidate for a forecast, and once the horizon has passed scores each
 * forecast's peak quantiles against the realised peak (the values after the origin) with the
 * pinball loss, decayed with a 7-day half-life. {@link #forecast} returns the forecast of the
 * candidate with the lowest decayed mean loss (at least {@link #MIN_SCORED} scored forecasts),
 * or, before any has enough, the first candidate that can forecast, marked as a fallback. Only
 * data observed before the origin is used. Not thread-safe.
 */
public final class SelectingForecaster implements OnlineForecaster {
  static final int MIN_SCORED = 24;
  /** The age at which a scored forecast weighs half in the selection. */
  static final Duration HALF_LIFE = Duration.ofDays(7);

  private final List<OnlineForecaster> candidates;
  private final RollingBacktest backtest;

  public SelectingForecaster(List<OnlineForecaster> candidates, Horizon horizon, QuantileLevels levels, Duration maxGap) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("the selector needs at least one candidate");
    }
    this.candidates = List.copyOf(candidates);
    this.backtest = new RollingBacktest(candidates.size(), horizon, levels, maxGap, HALF_LIFE);
  }

  /** A factory over candidate factories. */
  public static OnlineForecaster.Factory factory(List<OnlineForecaster.Factory> candidates, Duration maxGap) {
    List<OnlineForecaster.Factory> copy = List.copyOf(candidates);
    return OnlineForecaster.Factory.of("selected", (series, horizon, levels) -> {
      List<OnlineForecaster> models = new ArrayList<>();
      for (OnlineForecaster.Factory f : copy) {
        models.add(f.create(series, horizon, levels));
      }
      return new SelectingForecaster(models, horizon, levels, maxGap);
    });
  }

  @Override
  public String name() {
    return "selected";
  }

  @Override
  public void observe(Instant at, double value) {
    for (OnlineForecaster c : candidates) {
      c.observe(at, value);
    }
    backtest.observe(at, value);
    if (backtest.issueDue(at)) {
      double[][] peaks = new double[candidates.size()][];
      for (int i = 0; i < peaks.length; i++) {
        try {
          peaks[i] = candidates.get(i).forecast(at).peakQuantiles();
        } catch (InsufficientHistoryException e) {
          peaks[i] = null;
        }
      }
      backtest.issue(at, peaks);
    }
  }

  /** Index of the candidate it would use now, or -1 before any has enough scored forecasts. */
  int selectedIndex() {
    return backtest.best(MIN_SCORED);
  }

  /** Name of the candidate it would use now, or empty. */
  public String selectedName() {
    int i = selectedIndex();
    return i < 0 ? "" : candidates.get(i).name();
  }

  @Override
  public QuantileForecast forecast(Instant origin) throws InsufficientHistoryException {
    int best = selectedIndex();
    if (best >= 0) {
      return candidates.get(best).forecast(origin);
    }
    StringBuilder reasons = new StringBuilder();
    for (OnlineForecaster c : candidates) {
      try {
        return c.forecast(origin).asFallback("selector has too few scored forecasts; using " + c.name());
      } catch (InsufficientHistoryException e) {
        reasons.append(reasons.length() == 0 ? "" : "; ").append(e.getMessage());
      }
    }
    throw new InsufficientHistoryException("no candidate can forecast: " + reasons);
  }
}
