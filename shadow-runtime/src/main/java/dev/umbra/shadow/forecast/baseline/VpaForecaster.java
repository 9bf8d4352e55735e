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
 * The Kubernetes VPA recommender ({@code vertical-pod-autoscaler/pkg/recommender}) for one
 * series, with its defaults:
 *
 * <ul>
 *   <li>CPU: every sample goes into a decaying histogram (half-life 24 h, buckets from 0.01
 *       core, +5 %), weighted by max(request, 0.1 core) ({@code aggregate_container_state.go}).
 *   <li>Memory: one peak per 24 h aggregation interval goes into a decaying histogram (half-life
 *       24 h, buckets from 10 MB); a larger sample in the same interval replaces the interval's
 *       peak (subtract old, add new), stamped at the interval end ({@code container.go}).
 *   <li>Target = p90 × 1.15; lower bound = p50 × 1.15 × (1 + 0.001/c)^−2; upper bound = p95 ×
 *       1.15 × (1 + 1/c); c = min(days between first and last sample, samples / 1440); at least
 *       25 millicores and 250 MiB ({@code logic/recommender.go}, {@code estimator.go}).
 * </ul>
 *
 * Other series (disk, network) are treated like CPU: VPA has no recommender for them. The
 * sample count that drives the confidence counts this series' samples (VPA counts CPU samples
 * for both resources; they arrive together). As a quantile forecaster it reports the
 * histogram's own percentiles (VPA semantics: bucket ends), unchanged for every step and for
 * the peak: VPA has no notion of a horizon. Not thread-safe.
 */
public final class VpaForecaster implements OnlineForecaster {
  static final String NAME = "vpa";
  static final String VERSION = "vpa-1.0 (recommender defaults)";
  static final Duration HALF_LIFE = Duration.ofHours(24);
  static final Duration MEMORY_AGGREGATION_INTERVAL = Duration.ofHours(24);
  static final double SAFETY_MARGIN = 0.15;
  static final double MIN_SAMPLE_WEIGHT = 0.1;
  static final double POD_MIN_CPU_CORES = 0.025;
  static final double POD_MIN_MEMORY_BYTES = 250.0 * 1024 * 1024;

  private final String series;
  private final SeriesProfile profile;
  private final Horizon horizon;
  private final QuantileLevels levels;
  private final DecayingHistogram histogram;
  private Instant firstSampleStart;
  private Instant lastSampleStart;
  private long totalSamplesCount;
  // memory peaks
  private Instant windowEnd;
  private double memoryPeak;
  private Instant lastMemorySampleStart;

  public VpaForecaster(String series, SeriesProfile profile, Horizon horizon, QuantileLevels levels) {
    this.series = Objects.requireNonNull(series, "series");
    this.profile = Objects.requireNonNull(profile, "profile");
    this.horizon = Objects.requireNonNull(horizon, "horizon");
    this.levels = Objects.requireNonNull(levels, "levels");
    ExponentialBuckets buckets =
        switch (profile.kind()) {
          case CPU -> ExponentialBuckets.VPA_CPU_CORES;
          case MEMORY -> ExponentialBuckets.VPA_MEMORY_BYTES;
          case OTHER -> new ExponentialBuckets(1e12, 1024, 1.05, 0.0001);
        };
    this.histogram = new DecayingHistogram(buckets, HALF_LIFE);
  }

  /** A factory that looks up each series' profile. */
  public static OnlineForecaster.Factory factory(Function<String, SeriesProfile> profiles) {
    return OnlineForecaster.Factory.of(NAME, (series, horizon, levels) ->
        new VpaForecaster(series, profiles.apply(series), horizon, levels));
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
    if (lastSampleStart != null && at.isBefore(lastSampleStart)) {
      throw new IllegalArgumentException(
          series + ": sample at " + at + " is before the last one at " + lastSampleStart);
    }
    double base = value * profile.baseUnitsPerUnit();
    if (profile.kind() == ResourceKind.MEMORY) {
      addMemorySample(at, base);
    } else {
      histogram.addSample(base, Math.max(profile.requestBase(), MIN_SAMPLE_WEIGHT), at);
    }
    if (firstSampleStart == null) {
      firstSampleStart = at;
    }
    lastSampleStart = at;
    totalSamplesCount++;
  }

  private void addMemorySample(Instant ts, double usage) {
    if (lastMemorySampleStart != null && ts.isBefore(lastMemorySampleStart)) {
      return; // VPA discards outdated samples
    }
    lastMemorySampleStart = ts;
    if (windowEnd == null) {
      windowEnd = ts;
    }
    boolean addNewPeak = false;
    if (ts.isBefore(windowEnd)) {
      double oldMaxMem = memoryPeak;
      if (oldMaxMem != 0 && usage > oldMaxMem) {
        histogram.subtractSample(oldMaxMem, 1.0, windowEnd);
        addNewPeak = true;
      }
    } else {
      long interval = MEMORY_AGGREGATION_INTERVAL.toSeconds();
      long behind = Duration.between(windowEnd, ts).toSeconds();
      long shift = (behind / interval) * interval + interval;
      windowEnd = windowEnd.plusSeconds(shift);
      memoryPeak = 0;
      addNewPeak = true;
    }
    if (addNewPeak) {
      histogram.addSample(usage, 1.0, windowEnd);
      memoryPeak = usage;
    }
  }

  /** VPA's confidence: min(days between first and last sample, samples / 1440). */
  public double confidence() {
    if (firstSampleStart == null) {
      return 0;
    }
    double days = Duration.between(firstSampleStart, lastSampleStart).toSeconds() / 86400.0;
    return Math.min(days, totalSamplesCount / 1440.0);
  }

  /** Target, lower and upper bound, in the series' unit. */
  public VpaRecommendation recommendation() {
    double c = confidence();
    double min = minimumBase();
    double target = Math.max(histogram.percentile(0.9) * (1 + SAFETY_MARGIN), min);
    double lower =
        Math.max(histogram.percentile(0.5) * (1 + SAFETY_MARGIN) * Math.pow(1 + 0.001 / c, -2.0), min);
    double upper =
        c == 0
            ? Double.POSITIVE_INFINITY
            : Math.max(histogram.percentile(0.95) * (1 + SAFETY_MARGIN) * (1 + 1.0 / c), min);
    double k = profile.baseUnitsPerUnit();
    return new VpaRecommendation(target / k, lower / k, upper / k);
  }

  private double minimumBase() {
    return switch (profile.kind()) {
      case CPU -> POD_MIN_CPU_CORES;
      case MEMORY -> POD_MIN_MEMORY_BYTES;
      case OTHER -> 0;
    };
  }

  /** The histogram (for tests). */
  DecayingHistogram histogram() {
    return histogram;
  }

  @Override
  public QuantileForecast forecast(Instant origin) throws InsufficientHistoryException {
    if (totalSamplesCount == 0 || histogram.isEmpty()) {
      throw new InsufficientHistoryException("no samples of " + series + " yet");
    }
    double[] row = new double[levels.size()];
    for (int j = 0; j < row.length; j++) {
      row[j] = histogram.percentile(levels.get(j)) / profile.baseUnitsPerUnit();
    }
    double[][] steps = new double[horizon.steps()][];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = row;
    }
    return QuantileForecast.of(new Provenance(series, NAME, VERSION), origin, horizon, levels, steps, row);
  }
}
