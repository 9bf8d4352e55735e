package dev.umbra.shadow.forecast.backtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps, for one VM and resource, each scored hour's peak quantiles of one model, the limits of
 * a few rows and the actual samples, to draw a fan chart.
 */
public final class FanRecorder {
  /** One scored hour. */
  public record Hour(long startSec, double[] peakQuantiles, Map<String, Double> limits, long[] timesSec, double[] usage) {}

  private final String vm;
  private final TraceResource resource;
  private final String model;
  private final List<Hour> hours = new ArrayList<>();

  /**
   * @param model whose quantiles to keep, e.g. "selected"
   */
  public FanRecorder(String vm, TraceResource resource, String model) {
    this.vm = vm;
    this.resource = resource;
    this.model = model;
  }

  boolean wants(String vmId, TraceResource r) {
    return vm.equals(vmId) && resource == r;
  }

  String model() {
    return model;
  }

  void add(long startSec, double[] peakQuantiles, Map<String, Double> limits, long[] times, double[] usage) {
    hours.add(new Hour(startSec, peakQuantiles.clone(), new LinkedHashMap<>(limits), times, usage));
  }

  public String vm() {
    return vm;
  }

  public TraceResource resource() {
    return resource;
  }

  public String modelName() {
    return model;
  }

  public List<Hour> hours() {
    return List.copyOf(hours);
  }
}
