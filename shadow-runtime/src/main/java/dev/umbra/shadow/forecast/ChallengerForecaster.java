package dev.umbra.shadow.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Serves a challenger (the LSTM) only where a {@link RollingBacktest} on this series' own recent
 * data shows it better than the incumbent (the baseline selector). Every horizon it asks both for
 * a forecast; once the horizon has passed it scores both peak forecasts against the realised peak
 * (the values after the origin) with the pinball loss (divided by the peak), decayed with {@code
 * halfLife}. Origins where either could not forecast are not scored, so both means cover the same
 * horizons. {@link #forecast} returns the challenger's forecast when it has at least {@link #MIN_SCORED} scored
 * horizons and the lower decayed mean loss, else the incumbent's; either way the forecast says
 * why ({@link QuantileForecast#selection()}). Not thread-safe.
 */
public final class ChallengerForecaster implements OnlineForecaster {
  static final int MIN_SCORED = 24;
  private static final int INCUMBENT = 0;
  private static final int CHALLENGER = 1;

  private final OnlineForecaster incumbent;
  private final OnlineForecaster challenger;
  private final RollingBacktest backtest;
  private String lastChallengerProblem = "";

  public ChallengerForecaster(OnlineForecaster incumbent, OnlineForecaster challenger, Horizon horizon,
      QuantileLevels levels, Duration maxGap, Duration halfLife) {
    this.incumbent = Objects.requireNonNull(incumbent, "incumbent");
    this.challenger = Objects.requireNonNull(challenger, "challenger");
    this.backtest = new RollingBacktest(2, horizon, levels, maxGap, halfLife);
  }

  @Override
  public String name() {
    return "selected";
  }

  @Override
  public void observe(Instant at, double value) {
    incumbent.observe(at, value);
    challenger.observe(at, value);
    backtest.observe(at, value);
    if (backtest.issueDue(at)) {
      backtest.issue(at, new double[][] {peaks(incumbent, at), peaks(challenger, at)});
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

  /** Horizons scored for both so far. */
  public int scored() {
    return backtest.scored();
  }

  /** Whether the challenger would serve now. */
  public boolean challengerLeads() {
    return backtest.best(MIN_SCORED) == CHALLENGER;
  }

  @Override
  public QuantileForecast forecast(Instant origin) throws InsufficientHistoryException {
    QuantileForecast base = incumbent.forecast(origin);
    int scored = backtest.scored();
    String losses = scored > 0
        ? String.format(Locale.ROOT, "rolling pinball %s %.4f vs %s %.4f over %d horizons", challenger.name(),
            backtest.meanLoss(CHALLENGER), base.model(), backtest.meanLoss(INCUMBENT), scored)
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
