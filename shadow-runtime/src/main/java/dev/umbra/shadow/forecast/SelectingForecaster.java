package dev.umbra.shadow.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Per-workload model selection by a rolling backtest that runs as data arrives: every horizon
 * it asks each candidate for a forecast, and once the horizon has passed scores each forecast's
 * peak quantiles against the realised peak with the pinball loss, decayed with a 7-day
 * half-life. {@link #forecast} returns the forecast of the candidate with the lowest decayed
 * mean loss (at least {@link #MIN_SCORED} scored forecasts), or, before any has enough, the
 * first candidate that can forecast, marked as a fallback. Only data observed before the origin
 * is used. Not thread-safe.
 */
public final class SelectingForecaster implements OnlineForecaster {
  static final int MIN_SCORED = 24;

  private final List<OnlineForecaster> candidates;
  private final QuantileLevels levels;
  private final long horizonMillis;
  private final long maxGapMillis;
  private final double[] lossSum;
  private final double[] weightSum;
  private final int[] scored;
  private final ArrayDeque<Issued> issued = new ArrayDeque<>();
  private long lastMillis = Long.MIN_VALUE;
  private long nextIssueMillis = Long.MIN_VALUE;
  private long lastDecayMillis = Long.MIN_VALUE;

  private static final class Issued {
    final long origin;
    final double[][] peaks; // per candidate, null when it could not forecast
    double max = Double.NEGATIVE_INFINITY;

    Issued(long origin, double[][] peaks) {
      this.origin = origin;
      this.peaks = peaks;
    }
  }

  public SelectingForecaster(List<OnlineForecaster> candidates, Horizon horizon, QuantileLevels levels, Duration maxGap) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("the selector needs at least one candidate");
    }
    this.candidates = List.copyOf(candidates);
    this.levels = Objects.requireNonNull(levels, "levels");
    this.horizonMillis = horizon.duration().toMillis();
    this.maxGapMillis = maxGap.toMillis();
    this.lossSum = new double[candidates.size()];
    this.weightSum = new double[candidates.size()];
    this.scored = new int[candidates.size()];
  }

  /** A factory over candidate factories. */
  public static OnlineForecaster.Factory factory(List<OnlineForecaster.Factory> candidates, Duration maxGap) {
    List<OnlineForecaster.Factory> copy = List.copyOf(candidates);
    return new OnlineForecaster.Factory() {
      @Override
      public String name() {
        return "selected";
      }

      @Override
      public OnlineForecaster create(String series, Horizon horizon, QuantileLevels levels) {
        List<OnlineForecaster> models = new ArrayList<>();
        for (OnlineForecaster.Factory f : copy) {
          models.add(f.create(series, horizon, levels));
        }
        return new SelectingForecaster(models, horizon, levels, maxGap);
      }
    };
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
    long t = at.toEpochMilli();
    if (lastMillis != Long.MIN_VALUE && t - lastMillis > maxGapMillis) {
      issued.clear();
    }
    lastMillis = t;
    for (Iterator<Issued> it = issued.iterator(); it.hasNext(); ) {
      Issued is = it.next();
      long end = is.origin + horizonMillis;
      if (t <= end) {
        is.max = Math.max(is.max, value);
      }
      if (t >= end) {
        score(is, t);
        it.remove();
      }
    }
    if (t >= nextIssueMillis) {
      double[][] peaks = new double[candidates.size()][];
      for (int i = 0; i < peaks.length; i++) {
        try {
          peaks[i] = candidates.get(i).forecast(at).peakQuantiles();
        } catch (InsufficientHistoryException e) {
          peaks[i] = null;
        }
      }
      issued.add(new Issued(t, peaks));
      nextIssueMillis = t + horizonMillis;
    }
  }

  private void score(Issued is, long now) {
    if (is.max == Double.NEGATIVE_INFINITY) {
      return;
    }
    if (lastDecayMillis != Long.MIN_VALUE) {
      double days = (now - lastDecayMillis) / 86_400_000.0;
      double decay = Math.pow(2, -days / 7.0);
      for (int i = 0; i < lossSum.length; i++) {
        lossSum[i] *= decay;
        weightSum[i] *= decay;
      }
    }
    lastDecayMillis = now;
    // Score only when every candidate forecast, so that means compare like with like.
    for (double[] p : is.peaks) {
      if (p == null) {
        return;
      }
    }
    double scale = Math.max(is.max, 1e-12);
    for (int i = 0; i < is.peaks.length; i++) {
      lossSum[i] += PinballLoss.mean(is.max, is.peaks[i], levels) / scale;
      weightSum[i] += 1;
      scored[i]++;
    }
  }

  /** Index of the candidate it would use now, or -1 before any has enough scored forecasts. */
  int selectedIndex() {
    int best = -1;
    for (int i = 0; i < candidates.size(); i++) {
      if (scored[i] >= MIN_SCORED && weightSum[i] > 0
          && (best < 0 || lossSum[i] / weightSum[i] < lossSum[best] / weightSum[best])) {
        best = i;
      }
    }
    return best;
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
