package dev.umbra.shadow.forecast.backtest;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time each model spends observing and forecasting during a backtest (one thread). */
public final class Costs {
  private final Map<String, long[]> byModel = new LinkedHashMap<>();

  void observed(String model, long nanos) {
    long[] c = byModel.computeIfAbsent(model, k -> new long[4]);
    c[0] += nanos;
    c[1]++;
  }

  void forecast(String model, long nanos) {
    long[] c = byModel.computeIfAbsent(model, k -> new long[4]);
    c[2] += nanos;
    c[3]++;
  }

  /** Adds time spent training a model (counted as observing). */
  public void training(String model, long nanos) {
    observed(model, nanos);
  }

  /** Per model: mean µs per observed sample and per forecast. */
  public Map<String, double[]> microsPerCall() {
    Map<String, double[]> out = new LinkedHashMap<>();
    byModel.forEach((m, c) -> out.put(m, new double[] {
        c[1] > 0 ? c[0] / 1e3 / c[1] : Double.NaN, c[3] > 0 ? c[2] / 1e3 / c[3] : Double.NaN}));
    return out;
  }
}
