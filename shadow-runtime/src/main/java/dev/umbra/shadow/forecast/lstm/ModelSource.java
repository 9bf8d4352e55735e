package dev.umbra.shadow.forecast.lstm;

import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** Which model version a forecaster may use at a given time. Thread-safe when immutable. */
@FunctionalInterface
public interface ModelSource {
  /** The newest model that may be used at {@code time}, or empty before the first one. */
  Optional<LstmModel> at(Instant time);

  /** Versions that become usable at given times (a backtest's schedule). */
  static ModelSource schedule(Map<Instant, LstmModel> versions) {
    NavigableMap<Instant, LstmModel> copy = new TreeMap<>(versions);
    return time -> Optional.ofNullable(copy.floorEntry(time)).map(Map.Entry::getValue);
  }

  /** Always the same model (the shadow after loading the latest version). */
  static ModelSource fixed(LstmModel model) {
    return time -> Optional.of(model);
  }
}
