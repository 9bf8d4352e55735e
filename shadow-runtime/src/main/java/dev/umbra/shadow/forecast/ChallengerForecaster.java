package dev.umbra.shadow.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;

/**
 * Serves a challenger (the LSTM) only where a rolling backtest on this series' own recent data
 * shows it better than the incumbent (the baseline selector). Every horizon it asks both for a
 * forecast; once the horizon has passed it scores both peak forecasts against the realised
 * peak with the pinball loss (divided by the peak), decayed with {@code halfLife}. Origins where
 * either could not forecast are not scored, so both means cover the same horizons. {@link
 * #forecast} returns the challenger's forecast when it has at least {@link #MIN_SCORED} scored
 * horizons and the lower decayed mean loss, else the incumbent's; either way the forecast says
 * why ({@link QuantileForecast#selection()}). Not thread-safe.
 */
public final class ChallengerForecaster implements OnlineForecaster {
  static final int MIN_SCORED = 24;

  private final OnlineForecaster incumbent;
  private final OnlineForecaster challenger;
  private final QuantileLevels levels;
  private final long horizonMillis;
  private final long maxGapMillis;
  private final double halfLifeMillis;
  private final ArrayDeque<Issued> issued = new ArrayDeque<>();
  private double incumbentLoss;
  private double challengerLoss;
  private double weight;
  private int scored;
  private String lastChallengerProblem = "";
  private long lastMillis = Long.MIN_VALUE;
  private long nextIssueMillis = Long.MIN_VALUE;
  private long lastDecayMillis = Long.MIN_VALUE;

  private static final class Issued {
    final long origin;
    final double[] incumbent;
    final double[] challenger;
    double max = Double.NEGATIVE_INFINITY;

    Issued(long origin, double[] incumbent, double[] challenger) {
      this.origin = origin;
      this.incumbent = incumbent;
      this.challenger = challenger;
    }
  }

  public ChallengerForecaster(OnlineForecaster incumbent, OnlineForecaster challenger, Horizon horizon,
      QuantileLevels levels, Duration maxGap, Duration halfLife) {
    this.incumbent = Objects.requireNonNull(incumbent, "incumbent");
    this.challenger = Objects.requireNonNull(challenger, "challenger");
    this.levels = Objects.requireNonNull(levels, "levels");
    this.horizonMillis = horizon.duration().toMillis();
    this.maxGapMillis = maxGap.toMillis();
    this.halfLifeMillis = halfLife.toMillis();
  }

  @Override
  public String name() {
    return "selected";
  }

  @Override
  public void observe(Instant at, double value) {
    incumbent.observe(at, value);
    challenger.observe(at, value);
    long t = at.toEpochMilli();
    if (lastMillis != Long.MIN_VALUE && t - lastMillis > maxGapMillis) {
      issued.clear();
    }
    lastMillis = t;
    for (Iterator<Issued> it = issued.iterator(); it.hasNext(); ) {
      Issued is = it.next();
      long end = is.origin + horizonMillis;
      if (t > is.origin && t <= end) {
        is.max = Math.max(is.max, value);
      }
      if (t >= end) {
        score(is, t);
        it.remove();
      }
    }
    if (t >= nextIssueMillis) {
      double[] a = peaks(incumbent, at);
      double[] b = peaks(challenger, at);
      if (a != null && b != null) {
        issued.add(new Issued(t, a, b));
      }
      nextIssueMillis = t + horizonMillis;
    }
  }

  private double[] peaks(OnlineForecaster model, Instant at) {
    try {
      double[] peaks = model.forecast(at).peakQuantiles();
      if (model == challenger) {
        lastChallengerProblem = "";
      }
      return peaks;
    } catch (InsufficientHistoryException e) {
      if (model == challenger) {
        lastChallengerProblem = e.getMessage();
      }
      return null;
    }
  }

  private void score(Issued is, long now) {
    if (is.max == Double.NEGATIVE_INFINITY) {
      return;
    }
    if (lastDecayMillis != Long.MIN_VALUE) {
      double decay = Math.pow(2, -(now - lastDecayMillis) / halfLifeMillis);
      incumbentLoss *= decay;
      challengerLoss *= decay;
      weight *= decay;
    }
    lastDecayMillis = now;
    double scale = Math.max(is.max, 1e-12);
    incumbentLoss += PinballLoss.mean(is.max, is.incumbent, levels) / scale;
    challengerLoss += PinballLoss.mean(is.max, is.challenger, levels) / scale;
    weight += 1;
    scored++;
  }

  /** Horizons scored for both so far. */
  public int scored() {
    return scored;
  }

  /** Whether the challenger would serve now. */
  public boolean challengerLeads() {
    return scored >= MIN_SCORED && weight > 0 && challengerLoss < incumbentLoss;
  }

  @Override
  public QuantileForecast forecast(Instant origin) throws InsufficientHistoryException {
    QuantileForecast base = incumbent.forecast(origin);
    String losses = weight > 0
        ? String.format(Locale.ROOT, "rolling pinball %s %.4f vs %s %.4f over %d horizons", challenger.name(),
            challengerLoss / weight, base.model(), incumbentLoss / weight, scored)
        : "";
    if (challengerLeads()) {
      try {
        return challenger.forecast(origin).withSelection(challenger.name() + " leads: " + losses);
      } catch (InsufficientHistoryException e) {
        return base.withSelection(challenger.name() + " leads but cannot forecast now (" + e.getMessage() + ")");
      }
    }
    if (scored >= MIN_SCORED) {
      return base.withSelection(base.model() + " leads: " + losses);
    }
    String why = challenger.name() + " scored on " + scored + " of " + MIN_SCORED + " horizons needed";
    if (!lastChallengerProblem.isEmpty()) {
      why += " (" + lastChallengerProblem + ")";
    }
    return base.withSelection(why);
  }
}
