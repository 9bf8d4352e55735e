package dev.umbra.shadow.forecast.lstm;

import dev.umbra.shadow.forecast.Horizon;
import java.util.Objects;

/**
 * Which model: one per workload (runs of the same computation share it) and target, where the
 * target names the series and the horizon it forecasts, e.g. {@code cpu.process@60x1s}.
 *
 * @param workload the primary's workload hash
 * @param target series and horizon
 */
public record ModelKey(String workload, String target) {
  public ModelKey {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(target, "target");
    if (workload.isBlank() || target.isBlank()) {
      throw new IllegalArgumentException("blank workload or target in a model key");
    }
  }

  /** The key of a live forecast: {@code series@STEPSxSTEPs}. */
  public static ModelKey of(String workload, String series, Horizon horizon) {
    return new ModelKey(workload, series + "@" + horizon.steps() + "x" + horizon.step().toSeconds() + "s");
  }

  @Override
  public String toString() {
    return workload + "/" + target;
  }
}
