package dev.umbra.shadow.forecast.baseline;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.Provenance;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.SeriesProfile.ResourceKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * An Autopilot-style moving-window recommender (Rzadca et al., EuroSys 2020, §3.2): samples go
 * into a histogram with exponentially decaying weights (half-life 12 h for CPU and other series,
 * 48 h for memory); the recommendation for CPU is the weighted p95, for memory the maximum over
 * the window (the last 48 h). Its quantile forecast is the decayed histogram's interpolated
 * percentiles, the same for every step and for the peak. Buckets are VPA's (0.01 core / 10 MB,
 * +5 %). No safety margin is added: the p95 and the max are the recommendations. Not
 * thread-safe.
 */
public final class MovingWindowForecaster implements OnlineForecaster {
  static final String NAME = "moving-window";
  static final String VERSION = "moving-window-1.0 (cpu p95 hl 12h, mem max 48h)";
  static final Duration CPU_HALF_LIFE = Duration.ofHours(12);
  static final Duration MEMORY_HALF_LIFE = Duration.ofHours(48);
  static final Duration MEMORY_WINDOW = Duration.ofHours(48);

  private final String series;
  private final SeriesProfile profile;
  private final Horizon horizon;
  private final QuantileLevels levels;
  private final DecayingHistogram histogram;
  private final SampleRing window;
  private long samples;
  private long lastMillis = Long.MIN_VALUE;

  public MovingWindowForecaster(String series, SeriesProfile profile, Horizon horizon, QuantileLevels levels) {
    this.series = Objects.requireNonNull(series, "series");
    this.profile = Objects.requireNonNull(profile, "profile");
    this.horizon = Objects.requireNonNull(horizon, "horizon");
    this.levels = Objects.requireNonNull(levels, "levels");
    boolean memory = profile.kind() == ResourceKind.MEMORY;
    ExponentialBuckets buckets =
        switch (profile.kind()) {
          case CPU -> ExponentialBuckets.VPA_CPU_CORES;
          case MEMORY -> ExponentialBuckets.VPA_MEMORY_BYTES;
          case OTHER -> new ExponentialBuckets(1e12, 1024, 1.05, 0.0001);
        };
    this.histogram = new DecayingHistogram(buckets, memory ? MEMORY_HALF_LIFE : CPU_HALF_LIFE);
    this.window = new SampleRing(MEMORY_WINDOW.toMillis());
  }

  public static OnlineForecaster.Factory factory(Function<String, SeriesProfile> profiles) {
    return OnlineForecaster.Factory.of(NAME, (series, horizon, levels) ->
        new MovingWindowForecaster(series, profiles.apply(series), horizon, levels));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void observe(Instant at, double value) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(series + " at " + at + ": value is " + value);
    }
    long millis = at.toEpochMilli();
    if (millis < lastMillis) {
      throw new IllegalArgumentException(series + ": sample at " + at + " goes back in time");
    }
    lastMillis = millis;
    histogram.addSample(value * profile.baseUnitsPerUnit(), 1.0, at);
    if (profile.kind() == ResourceKind.MEMORY) {
      window.add(millis, value);
    }
    samples++;
  }

  /** The recommended limit in the series' unit: p95 (CPU, other) or the window's max (memory). */
  public double recommendation() throws InsufficientHistoryException {
    if (samples == 0) {
      throw new InsufficientHistoryException("no samples of " + series + " yet");
    }
    if (profile.kind() == ResourceKind.MEMORY) {
      return window.max(Long.MIN_VALUE, Long.MAX_VALUE);
    }
    return histogram.interpolatedPercentile(0.95) / profile.baseUnitsPerUnit();
  }

  @Override
  public QuantileForecast forecast(Instant origin) throws InsufficientHistoryException {
    if (samples == 0 || histogram.isEmpty()) {
      throw new InsufficientHistoryException("no samples of " + series + " yet");
    }
    double[] row = new double[levels.size()];
    for (int j = 0; j < row.length; j++) {
      row[j] = histogram.interpolatedPercentile(levels.get(j)) / profile.baseUnitsPerUnit();
    }
    row = QuantileForecast.rearranged(row);
    double[][] steps = new double[horizon.steps()][];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = row;
    }
    return QuantileForecast.of(new Provenance(series, NAME, VERSION), origin, horizon, levels, steps, row);
  }
}
