package dev.umbra.agent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Sampling in force: a criticality preset and its periods and thresholds. A period of
 * {@link Duration#ZERO} switches that source off. Mirrors {@code umbra.v1.SamplingConfig}.
 *
 * <p>The presets are chosen for cost, not completeness: {@code normal} samples execution every
 * 100 ms and allocations at 50 per second, which is what keeps it near 1 % on H2 where JFR's
 * own {@code default} settings cost 11 % (agent/BENCHMARK.md).
 *
 * @param allocationSamplesPerSecond JFR {@code jdk.ObjectAllocationSample} throttle; 0 switches
 *     allocation sampling off (a diagnostic setting: the allocation profile is then empty)
 */
public record Sampling(
    Criticality criticality,
    Duration batchPeriod,
    Duration gaugePeriod,
    Duration executionSamplePeriod,
    Duration classHistogramPeriod,
    int topClasses,
    Duration ioEventThreshold,
    Duration contentionThreshold,
    int allocationSamplesPerSecond) {

  public Sampling {
    Objects.requireNonNull(criticality, "criticality");
    requirePositive("batchPeriod", batchPeriod);
    requirePositive("gaugePeriod", gaugePeriod);
    requireNonNegative("executionSamplePeriod", executionSamplePeriod);
    requireNonNegative("classHistogramPeriod", classHistogramPeriod);
    requireNonNegative("ioEventThreshold", ioEventThreshold);
    requireNonNegative("contentionThreshold", contentionThreshold);
    if (topClasses < 1) {
      throw new IllegalArgumentException("topClasses must be at least 1: " + topClasses);
    }
    if (allocationSamplesPerSecond < 0) {
      throw new IllegalArgumentException("allocationSamplesPerSecond must not be negative: " + allocationSamplesPerSecond);
    }
  }

  /** The preset for a criticality. */
  public static Sampling preset(Criticality criticality) {
    Duration batch = Duration.ofMillis(200);
    Duration gauge = Duration.ofSeconds(1);
    return switch (criticality) {
      case LOW -> new Sampling(criticality, batch, gauge, Duration.ZERO, Duration.ZERO, 10,
          Duration.ofSeconds(1), Duration.ofMillis(200), 10);
      case NORMAL -> new Sampling(criticality, batch, gauge, Duration.ofMillis(100),
          Duration.ofMinutes(5), 20, Duration.ofMillis(100), Duration.ofMillis(50), 50);
      case HIGH -> new Sampling(criticality, batch, gauge, Duration.ofMillis(20),
          Duration.ofMinutes(1), 50, Duration.ofMillis(20), Duration.ofMillis(20), 150);
    };
  }

  public boolean executionSamplesOn() {
    return !executionSamplePeriod.isZero();
  }

  public boolean classHistogramOn() {
    return !classHistogramPeriod.isZero();
  }

  public boolean allocationSamplesOn() {
    return allocationSamplesPerSecond > 0;
  }

  public Sampling withAllocationSamplesPerSecond(int value) {
    return new Sampling(criticality, batchPeriod, gaugePeriod, executionSamplePeriod, classHistogramPeriod,
        topClasses, ioEventThreshold, contentionThreshold, value);
  }

  public Sampling withBatchPeriod(Duration value) {
    return new Sampling(criticality, value, gaugePeriod, executionSamplePeriod, classHistogramPeriod,
        topClasses, ioEventThreshold, contentionThreshold, allocationSamplesPerSecond);
  }

  public Sampling withGaugePeriod(Duration value) {
    return new Sampling(criticality, batchPeriod, value, executionSamplePeriod, classHistogramPeriod,
        topClasses, ioEventThreshold, contentionThreshold, allocationSamplesPerSecond);
  }

  public Sampling withExecutionSamplePeriod(Duration value) {
    return new Sampling(criticality, batchPeriod, gaugePeriod, value, classHistogramPeriod,
        topClasses, ioEventThreshold, contentionThreshold, allocationSamplesPerSecond);
  }

  public Sampling withClassHistogramPeriod(Duration value) {
    return new Sampling(criticality, batchPeriod, gaugePeriod, executionSamplePeriod, value,
        topClasses, ioEventThreshold, contentionThreshold, allocationSamplesPerSecond);
  }

  public Sampling withTopClasses(int value) {
    return new Sampling(criticality, batchPeriod, gaugePeriod, executionSamplePeriod,
        classHistogramPeriod, value, ioEventThreshold, contentionThreshold, allocationSamplesPerSecond);
  }

  public Sampling withIoEventThreshold(Duration value) {
    return new Sampling(criticality, batchPeriod, gaugePeriod, executionSamplePeriod,
        classHistogramPeriod, topClasses, value, contentionThreshold, allocationSamplesPerSecond);
  }

  public Sampling withContentionThreshold(Duration value) {
    return new Sampling(criticality, batchPeriod, gaugePeriod, executionSamplePeriod,
        classHistogramPeriod, topClasses, ioEventThreshold, value, allocationSamplesPerSecond);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  private static void requireNonNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }
}
