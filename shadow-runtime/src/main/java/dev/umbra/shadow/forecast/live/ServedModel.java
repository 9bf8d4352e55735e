package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.ModelEvidence;
import java.util.Objects;
import java.util.Optional;

/**
 * The LSTM version a stream is stepped with, where it comes from and what it proved when it was
 * trained.
 *
 * @param model the version
 * @param origin whose model it is, for the forecast's selection text: {@code the same workload},
 *     the near workload it was borrowed from and why it is near, or the global model
 * @param evidence the rolling backtest saved with the version, when there is one
 * @param name the model name its forecasts carry (and so the decisions made from them): {@value
 *     LstmCandidate#NAME} for a workload's own or a near workload's LSTM, {@value #GLOBAL} for the
 *     global one
 */
record ServedModel(LstmModel model, String origin, Optional<ModelEvidence> evidence, String name) {
  /** The name of forecasts made by the global model (trained across all recorded workloads). */
  static final String GLOBAL = "lstm-global";

  ServedModel {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(evidence, "evidence");
    if (!name.equals(LstmCandidate.NAME) && !name.equals(GLOBAL)) {
      throw new IllegalArgumentException("served LSTM name must be " + LstmCandidate.NAME + " or " + GLOBAL + ": " + name);
    }
  }

  /** A workload's own LSTM or a near workload's. */
  ServedModel(LstmModel model, String origin, Optional<ModelEvidence> evidence) {
    this(model, origin, evidence, LstmCandidate.NAME);
  }

  /** Whether this is the global model. */
  boolean global() {
    return name.equals(GLOBAL);
  }
}
