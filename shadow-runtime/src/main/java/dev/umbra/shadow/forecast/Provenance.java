package dev.umbra.shadow.forecast;

import java.util.Objects;

/**
 * What a forecast is of and who made it.
 *
 * @param series canonical series name (or a trace column in the backtest)
 * @param model model name, e.g. "vpa", "lstm"
 * @param modelVersion version of the model's parameters, e.g. "vpa-1" or "lstm-3@2026-11-28T05:00Z"
 */
public record Provenance(String series, String model, String modelVersion) {
  public Provenance {
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(modelVersion, "modelVersion");
    if (series.isBlank() || model.isBlank()) {
      throw new IllegalArgumentException("series and model must not be blank");
    }
  }
}
