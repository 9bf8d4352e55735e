package dev.umbra.shadow.forecast.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.SeriesProfile.ResourceKind;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class VpaForecasterTest {
  private static final Instant T0 = Instant.parse("2013-07-01T00:00:00Z");
  private static final Horizon HOUR = new Horizon(12, Duration.ofMinutes(5));

  @Nested
  class Buckets {
    private final ExponentialBuckets cpu = ExponentialBuckets.VPA_CPU_CORES;

    @Test
    void cpuLayoutHas176Buckets_from0to1000Cores() {
      // ceil(ln(1000*0.05/0.01 + 1) / ln 1.05) + 1 = ceil(174.57) + 1
      assertThat(cpu.numBuckets()).isEqualTo(176);
      assertThat(cpu.bucketStart(175)).isGreaterThanOrEqualTo(1000.0);
      assertThat(cpu.bucketStart(174)).isLessThan(1000.0);
    }

    @Test
    void firstBucketCovers0ToFirstBucketSize_andEachNextIs5PercentWider() {
      assertThat(cpu.bucketStart(0)).isEqualTo(0.0);
      assertThat(cpu.bucketStart(1)).isCloseTo(0.01, within(1e-15));
      assertThat(cpu.bucketStart(2)).isCloseTo(0.0205, within(1e-15)); // 0.01 + 0.0105
      assertThat(cpu.bucketStart(3)).isCloseTo(0.031525, within(1e-15)); // + 0.011025
      assertThat(cpu.findBucket(0.0)).isZero();
      assertThat(cpu.findBucket(0.0099)).isZero();
      assertThat(cpu.findBucket(0.01)).isEqualTo(1);
      assertThat(cpu.findBucket(0.0204)).isEqualTo(1);
      assertThat(cpu.findBucket(0.0206)).isEqualTo(2);
      assertThat(cpu.findBucket(1e9)).isEqualTo(175);
      assertThat(cpu.findBucket(-1)).isZero();
    }

    @Test
    void memoryLayoutStartsAt10MB() {
      ExponentialBuckets mem = ExponentialBuckets.VPA_MEMORY_BYTES;
      assertThat(mem.findBucket(9_999_999)).isZero();
      assertThat(mem.findBucket(10_000_000)).isEqualTo(1);
      assertThat(mem.bucketStart(2)).isCloseTo(2.05e7, within(1e-6));
    }
  }

  @Nested
  class Percentiles {
    @Test
    void returnsTheEndOfTheBucketWhereCumulativeWeightReachesThreshold() {
      Histogram h = new Histogram(ExponentialBuckets.VPA_CPU_CORES);
      h.addSample(0.015, 1); // bucket 1 [0.01, 0.0205)
      h.addSample(0.03, 1); // bucket 2 [0.0205, 0.031525)
      assertThat(h.percentile(0.5)).isCloseTo(0.0205, within(1e-15));
      assertThat(h.percentile(0.51)).isCloseTo(0.031525, within(1e-15));
      assertThat(h.percentile(0.9)).isCloseTo(0.031525, within(1e-15));
      assertThat(h.percentile(0.0)).isCloseTo(0.0205, within(1e-15));
    }

    @Test
    void isZero_whenEmpty_andLastBucketReturnsItsStart() {
      Histogram h = new Histogram(ExponentialBuckets.VPA_CPU_CORES);
      assertThat(h.isEmpty()).isTrue();
      assertThat(h.percentile(0.9)).isZero();
      h.addSample(5000, 1); // beyond 1000 cores: last bucket, no upper bound
      assertThat(h.percentile(0.9)).isEqualTo(ExponentialBuckets.VPA_CPU_CORES.bucketStart(175));
    }

    @Test
    void subtractNeverGoesBelowZero_andEmptiesTheBucket() {
      Histogram h = new Histogram(ExponentialBuckets.VPA_CPU_CORES);
      h.addSample(0.015, 1);
      h.addSample(0.03, 1);
      h.subtractSample(0.015, 5);
      assertThat(h.bucketWeight(1)).isZero();
      assertThat(h.totalWeight()).isEqualTo(1.0);
      assertThat(h.percentile(0.01)).isCloseTo(0.031525, within(1e-15));
    }
  }

  @Nested
  class Decay {
    @Test
    void aSampleOneHalfLifeNewerWeighsTwice() {
      DecayingHistogram h = new DecayingHistogram(ExponentialBuckets.VPA_CPU_CORES, Duration.ofHours(24));
      h.addSample(0.015, 1, T0);
      h.addSample(0.03, 1, T0.plus(Duration.ofHours(24)));
      // the first sample moved the reference from Go's zero time to T0 (a multiple of 24 h)
      assertThat(h.referenceTimestamp()).isEqualTo(T0);
      assertThat(h.bucketWeight(1)).isEqualTo(1.0);
      assertThat(h.bucketWeight(2)).isEqualTo(2.0);
      assertThat(h.percentile(0.33)).isCloseTo(0.0205, within(1e-15));
      assertThat(h.percentile(0.34)).isCloseTo(0.031525, within(1e-15));
    }

    @Test
    void renormalises_whenASampleIsMoreThan100HalfLivesAfterTheReference() {
      DecayingHistogram h = new DecayingHistogram(ExponentialBuckets.VPA_CPU_CORES, Duration.ofHours(24));
      h.addSample(0.015, 1, T0); // reference := T0
      h.addSample(0.015, 1, T0.plus(Duration.ofDays(95))); // weight 2^95
      h.addSample(0.03, 1, T0.plus(Duration.ofDays(99))); // weight 2^99
      Instant late = T0.plus(Duration.ofDays(100)).plus(Duration.ofHours(13));
      h.addSample(0.03, 1, late);
      // reference rounds to the nearest multiple of 24 h: T0 + 101 d; weights scaled by 2^-101
      assertThat(h.referenceTimestamp()).isEqualTo(T0.plus(Duration.ofDays(101)));
      assertThat(h.bucketWeight(1)).isCloseTo(Math.pow(2, -6) + Math.pow(2, -101), within(1e-12));
      assertThat(h.bucketWeight(2)).isCloseTo(0.25 + Math.pow(2, -11.0 / 24), within(1e-12));
    }
  }

  @Nested
  class Recommendation {
    private final SeriesProfile cores = new SeriesProfile(ResourceKind.CPU, 1, 0);

    @Test
    void appliesMarginAndConfidenceMultipliers_afterTwoDaysOfMinuteSamples() throws Exception {
      VpaForecaster vpa = new VpaForecaster("cpu", cores, HOUR, QuantileLevels.DEFAULT);
      for (int m = 0; m <= 2 * 1440; m++) {
        vpa.observe(T0.plus(Duration.ofMinutes(m)), 1.0);
      }
      // confidence = min(2 days, 2881/1440) = 2
      assertThat(vpa.confidence()).isEqualTo(2.0);
      // 1.0 core is in bucket floor(ln(1.0*0.05/0.01+1)/ln 1.05) = 36; its end is bucket 37's start
      double bucketEnd = 0.01 * (Math.pow(1.05, 37) - 1) / 0.05;
      assertThat(bucketEnd).isCloseTo(1.01628, within(1e-4));
      VpaRecommendation r = vpa.recommendation();
      assertThat(r.target()).isCloseTo(bucketEnd * 1.15, within(1e-12));
      assertThat(r.lowerBound()).isCloseTo(bucketEnd * 1.15 * Math.pow(1 + 0.001 / 2, -2), within(1e-12));
      assertThat(r.upperBound()).isCloseTo(bucketEnd * 1.15 * (1 + 1.0 / 2), within(1e-12));
    }

    @Test
    void confidenceIsLimitedBySampleCount_forSparseSamples() {
      VpaForecaster vpa = new VpaForecaster("cpu", cores, HOUR, QuantileLevels.DEFAULT);
      for (int i = 0; i <= 8 * 288; i++) { // 8 days at 5 minutes
        vpa.observe(T0.plus(Duration.ofMinutes(5L * i)), 0.5);
      }
      assertThat(vpa.confidence()).isCloseTo(2305 / 1440.0, within(1e-12));
    }

    @Test
    void neverRecommendsLessThanThePodMinimum() {
      VpaForecaster vpa = new VpaForecaster("cpu", cores, HOUR, QuantileLevels.DEFAULT);
      vpa.observe(T0, 0.001);
      vpa.observe(T0.plusSeconds(60), 0.001);
      assertThat(vpa.recommendation().target()).isEqualTo(0.025);
    }

    @Test
    void convertsUnits_forATraceInMegahertz() {
      // 2000 MHz per core: a 1000 MHz series is 0.5 core
      SeriesProfile mhz = new SeriesProfile(ResourceKind.CPU, 1 / 2000.0, 0);
      VpaForecaster vpa = new VpaForecaster("cpu", mhz, HOUR, QuantileLevels.DEFAULT);
      for (int m = 0; m <= 1440; m++) {
        vpa.observe(T0.plus(Duration.ofMinutes(m)), 1000);
      }
      ExponentialBuckets b = ExponentialBuckets.VPA_CPU_CORES;
      double endCores = b.bucketStart(b.findBucket(0.5) + 1);
      assertThat(vpa.recommendation().target()).isCloseTo(endCores * 1.15 * 2000, within(1e-9));
    }

    @Test
    void upperBoundIsInfinite_withOneSample() {
      VpaForecaster vpa = new VpaForecaster("cpu", cores, HOUR, QuantileLevels.DEFAULT);
      vpa.observe(T0, 1);
      assertThat(vpa.recommendation().upperBound()).isInfinite();
    }
  }

  @Nested
  class MemoryPeaks {
    @Test
    void keepsOnePeakPerDay_replacingASmallerPeakInTheSameInterval() {
      SeriesProfile bytes = new SeriesProfile(ResourceKind.MEMORY, 1, 0);
      VpaForecaster vpa = new VpaForecaster("mem", bytes, HOUR, QuantileLevels.DEFAULT);
      vpa.observe(T0, 100e6); // interval ends T0+24h
      vpa.observe(T0.plus(Duration.ofHours(1)), 300e6); // replaces the 100 MB peak
      vpa.observe(T0.plus(Duration.ofHours(2)), 50e6); // smaller: ignored
      vpa.observe(T0.plus(Duration.ofHours(25)), 200e6); // next interval, ends T0+48h: weight 2
      ExponentialBuckets b = ExponentialBuckets.VPA_MEMORY_BYTES;
      DecayingHistogram h = vpa.histogram();
      assertThat(h.bucketWeight(b.findBucket(100e6))).isZero();
      assertThat(h.bucketWeight(b.findBucket(50e6))).isZero();
      assertThat(h.bucketWeight(b.findBucket(300e6))).isEqualTo(1.0);
      assertThat(h.bucketWeight(b.findBucket(200e6))).isEqualTo(2.0);
      assertThat(h.percentile(0.5)).isEqualTo(b.bucketStart(b.findBucket(200e6) + 1));
      assertThat(h.percentile(0.9)).isEqualTo(b.bucketStart(b.findBucket(300e6) + 1));
      assertThat(vpa.recommendation().target()).isCloseTo(b.bucketStart(b.findBucket(300e6) + 1) * 1.15, within(1e-3));
    }
  }

  @Nested
  class BadInput {
    @Test
    void rejectsNaNNegativeAndBackwardsSamples_withTheSeriesInTheMessage() {
      VpaForecaster vpa = new VpaForecaster("cpu.process", SeriesProfile.ofCanonical("cpu.process"), HOUR, QuantileLevels.DEFAULT);
      assertThatThrownBy(() -> vpa.observe(T0, Double.NaN)).hasMessageContaining("cpu.process").hasMessageContaining("NaN");
      assertThatThrownBy(() -> vpa.observe(T0, -1)).hasMessageContaining("-1.0");
      vpa.observe(T0, 1);
      assertThatThrownBy(() -> vpa.observe(T0.minusSeconds(1), 1)).hasMessageContaining("before");
    }

    @Test
    void cannotForecast_beforeAnySample() {
      VpaForecaster vpa = new VpaForecaster("cpu", SeriesProfile.ofCanonical("cpu.x"), HOUR, QuantileLevels.DEFAULT);
      assertThatThrownBy(() -> vpa.forecast(T0)).isInstanceOf(InsufficientHistoryException.class);
    }
  }
}
