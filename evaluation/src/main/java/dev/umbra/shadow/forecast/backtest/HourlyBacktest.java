package dev.umbra.shadow.forecast.backtest;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.PinballLoss;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.baseline.MovingWindowForecaster;
import dev.umbra.shadow.forecast.baseline.VpaForecaster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The headline protocol on one VM and resource: after the warm-up, at every period boundary h
 * each model sees only samples up to h − lead and sets a limit that is held for [h, h+period);
 * hours with no samples or touching a gap are skipped for every model; an hour that some model
 * cannot forecast is skipped for all, so every row is scored on the same hours. Not thread-safe.
 */
public final class HourlyBacktest {
  /** Receives every limit set ({@code --emit-limits}). */
  public interface LimitSink {
    /**
     * @param hourStartSec start of the scored period, Unix seconds, a multiple of the period
     *     (whole UTC hours for the headline 1 h): the limit covers, and is scored against, the
     *     samples with timestamps in [hourStartSec, hourStartSec + period). Every row of an hour,
     *     clairvoyant included, gets the same value.
     * @param limit in the trace's unit (MHz, KB, KB/s)
     */
    void limit(String vm, TraceResource resource, String row, long hourStartSec, double limit);
  }

  private final BacktestConfig config;
  private final ModelRegistry registry;
  private final Costs costs;

  public HourlyBacktest(BacktestConfig config, ModelRegistry registry, Costs costs) {
    this.config = Objects.requireNonNull(config, "config");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.costs = Objects.requireNonNull(costs, "costs");
  }

  /** Hours seen, scored and skipped in one run. */
  public record Counts(long hours, long scored, long gapSkipped, long unforecastable) {}

  private final class Runner {
    final String name;
    final OnlineForecaster model;

    Runner(String name, OnlineForecaster model) {
      this.name = name;
      this.model = model;
    }
  }

  /** The horizon each model is asked for: the lead plus the period, in sample steps. */
  public Horizon horizon() {
    long span = config.lead().plus(config.period()).toSeconds();
    long step = config.sampleStep().toSeconds();
    return new Horizon((int) ((span + step - 1) / step), config.sampleStep());
  }

  /** The first scored period's start: the first multiple of the period after the warm-up. */
  long firstPeriodSec(VmTrace vm) {
    long period = config.period().toSeconds();
    return Math.floorDiv(vm.timeSec(0) + config.warmup().toSeconds() + period - 1, period) * period;
  }

  /**
   * Why no period of {@code vm} can be scored (the trace ends before the warm-up plus one
   * period), or null when at least one can be tried.
   */
  public String unscorable(VmTrace vm) {
    long last = vm.timeSec(vm.size() - 1);
    if (firstPeriodSec(vm) + config.period().toSeconds() <= last) {
      return null;
    }
    return String.format(Locale.ROOT, "too short: %.2f days of samples, the %s warm-up and one %s period need more",
        (last - vm.timeSec(0)) / 86400.0, human(config.warmup()), human(config.period()));
  }

  /** 8d, 1h, 90s: the option grammar of {@code umbra backtest}. */
  static String human(Duration d) {
    long s = d.toSeconds();
    if (s != 0 && s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s != 0 && s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  public Result run(VmTrace vm, TraceResource resource, LimitSink sink, FanRecorder fan) {
    SeriesProfile profile = resource.profile(vm);
    QuantileLevels levels = config.modelLevels();
    int[] scored = new int[BacktestConfig.LEVELS.size()];
    for (int j = 0; j < scored.length; j++) {
      scored[j] = levels.indexOf(BacktestConfig.LEVELS.get(j));
    }
    List<Runner> runners = new ArrayList<>();
    for (String name : config.models()) {
      if (!name.equals(ModelRegistry.CLAIRVOYANT)) {
        runners.add(new Runner(name, registry.factory(name, profile).create(vm.id() + "/" + resource.key(), horizon(), levels)));
      }
    }
    Map<String, Score> scores = new LinkedHashMap<>();
    Map<String, String> modelOfRow = new LinkedHashMap<>();
    long[] t = vm.timesSec();
    double[] u = vm.column(resource);
    int n = t.length;
    long period = config.period().toSeconds();
    long lead = config.lead().toSeconds();
    long maxGap = config.maxGap().toSeconds();
    long first = firstPeriodSec(vm);
    int fed = 0;
    int a = 0;
    long hours = 0;
    long gapSkipped = 0;
    long unforecastable = 0;
    for (long h = first; h + period <= t[n - 1]; h += period) {
      hours++;
      long cutoff = h - lead;
      while (fed < n && t[fed] <= cutoff) {
        Instant at = Instant.ofEpochSecond(t[fed]);
        for (Runner r : runners) {
          long start = System.nanoTime();
          r.model.observe(at, u[fed]);
          costs.observed(r.name, System.nanoTime() - start);
        }
        fed++;
      }
      while (a < n && t[a] < h) {
        a++;
      }
      int b = a;
      while (b < n && t[b] < h + period) {
        b++;
      }
      if (b == a || a == 0 || fed == 0 || b >= n || touchesGap(t, Math.min(fed, a) - 1, b, maxGap)) {
        gapSkipped++;
        continue;
      }
      Map<String, QuantileForecast> forecasts = forecastAll(runners, Instant.ofEpochSecond(cutoff));
      if (forecasts == null) {
        unforecastable++;
        continue;
      }
      double peak = Arrays.stream(u, a, b).max().orElseThrow();
      Map<String, Double> limits = limits(runners, forecasts, peak);
      for (Map.Entry<String, Double> e : limits.entrySet()) {
        String row = e.getKey();
        String model = row.contains("@") ? row.substring(0, row.indexOf('@')) : row;
        modelOfRow.put(row, model);
        Score s = scores.computeIfAbsent(row, k -> new Score());
        s.limitHour(e.getValue(), u, a, b);
        QuantileForecast f = forecasts.get(model);
        if (f != null) {
          double[] all = f.peakQuantiles();
          double[] q = new double[scored.length];
          for (int j = 0; j < q.length; j++) {
            q[j] = all[scored[j]];
          }
          s.quantileHour(peak, q, PinballLoss.mean(peak, q, BacktestConfig.LEVELS));
        }
        if (sink != null) {
          sink.limit(vm.id(), resource, row, h, e.getValue());
        }
      }
      if (fan != null && fan.wants(vm.id(), resource) && forecasts.containsKey(fan.model())) {
        double[] all = forecasts.get(fan.model()).peakQuantiles();
        double[] q = new double[scored.length];
        for (int j = 0; j < q.length; j++) {
          q[j] = all[scored[j]];
        }
        fan.add(h, q, limits,
            Arrays.copyOfRange(t, a, b), Arrays.copyOfRange(u, a, b));
      }
    }
    List<VmResult> results = new ArrayList<>();
    for (Map.Entry<String, Score> e : scores.entrySet()) {
      Score s = e.getValue();
      results.add(new VmResult(vm.id(), resource.key(), e.getKey(), modelOfRow.get(e.getKey()), s.hours(), s.steps(),
          s.slack(), s.shortageSteps(), s.shortageVolume(), s.changesPerDay(), s.pinball(), s.coverage80(), s.coverage90(),
          s.exceedance()));
    }
    return new Result(results, new Counts(hours, hours - gapSkipped - unforecastable, gapSkipped, unforecastable));
  }

  /** The scored rows of one VM and resource, and how many hours were scored or skipped. */
  public record Result(List<VmResult> rows, Counts counts) {}

  static boolean touchesGap(long[] t, int from, int to, long maxGap) {
    for (int i = Math.max(0, from); i < to && i + 1 < t.length; i++) {
      if (t[i + 1] - t[i] > maxGap) {
        return true;
      }
    }
    return false;
  }

  private Map<String, QuantileForecast> forecastAll(List<Runner> runners, Instant origin) {
    Map<String, QuantileForecast> out = new LinkedHashMap<>();
    for (Runner r : runners) {
      long start = System.nanoTime();
      try {
        out.put(r.name, r.model.forecast(origin));
      } catch (InsufficientHistoryException e) {
        return null;
      } finally {
        costs.forecast(r.name, System.nanoTime() - start);
      }
    }
    return out;
  }

  private Map<String, Double> limits(List<Runner> runners, Map<String, QuantileForecast> forecasts, double peak) {
    Map<String, Double> limits = new LinkedHashMap<>();
    for (Runner r : runners) {
      if (r.model instanceof VpaForecaster vpa) {
        limits.put(r.name, vpa.recommendation().target());
      } else if (r.model instanceof MovingWindowForecaster mw) {
        try {
          limits.put(r.name, mw.recommendation());
        } catch (InsufficientHistoryException e) {
          throw new IllegalStateException("moving window forecast but cannot recommend", e);
        }
      } else {
        QuantileForecast f = forecasts.get(r.name);
        for (double c : config.confidences()) {
          limits.put(r.name + "@" + c, f.peakAt(c));
        }
      }
    }
    if (config.models().contains(ModelRegistry.CLAIRVOYANT)) {
      limits.put(ModelRegistry.CLAIRVOYANT, peak);
    }
    return limits;
  }
}
