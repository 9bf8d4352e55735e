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
 *     or the near workload it was borrowed from and why it is near
 * @param evidence the rolling backtest saved with the version, when there is one
 */
record ServedModel(LstmModel model, String origin, Optional<ModelEvidence> evidence) {
  ServedModel {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(evidence, "evidence");
  }
}
