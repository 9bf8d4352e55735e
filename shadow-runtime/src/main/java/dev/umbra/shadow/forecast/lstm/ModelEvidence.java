package dev.umbra.shadow.forecast.lstm;

import java.util.Objects;

/**
 * The rolling backtest a model version won or lost when it was trained: the LSTM against the
 * baseline selector, peak forecasts scored against the realised peaks of one of the workload's
 * runs, as the live streams score them. Saved beside the version, so that a new run of the
 * workload (or of a near one) can be served by the LSTM before it has scored horizons of its own.
 *
 * @param runId the run (primary) the backtest replayed
 * @param scored horizons scored for both models
 * @param lstmLeads whether the LSTM had the lower decayed pinball loss after enough horizons
 * @param summary the selector's own words, e.g. {@code lstm leads: rolling pinball lstm 0.041 vs ewma 0.052 over 37 horizons}
 */
public record ModelEvidence(String runId, int scored, boolean lstmLeads, String summary) {
  public ModelEvidence {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(summary, "summary");
    if (scored < 0) {
      throw new IllegalArgumentException("scored horizons must be >= 0, got " + scored);
    }
  }
}
