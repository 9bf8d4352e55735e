package dev.umbra.agent.command;

import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A live sampling change ({@code umbra.v1.SetSampling}): absent fields keep their current
 * value; a new criticality first resets every field to that preset, then the explicit fields
 * refine it; the {@code off} flags switch a source off.
 */
public record SamplingChange(
    Optional<Criticality> criticality,
    Optional<Duration> batchPeriod,
    Optional<Duration> gaugePeriod,
    Optional<Duration> executionSamplePeriod,
    boolean executionSamplesOff,
    Optional<Duration> classHistogramPeriod,
    boolean classHistogramOff,
    OptionalInt topClasses,
    Optional<Duration> ioEventThreshold,
    Optional<Duration> contentionThreshold) {

  public Sampling applyTo(Sampling current) {
    Sampling s = criticality.map(Sampling::preset).orElse(current);
    if (batchPeriod.isPresent()) {
      s = s.withBatchPeriod(batchPeriod.get());
    }
    if (gaugePeriod.isPresent()) {
      s = s.withGaugePeriod(gaugePeriod.get());
    }
    if (executionSamplesOff) {
      s = s.withExecutionSamplePeriod(Duration.ZERO);
    } else if (executionSamplePeriod.isPresent()) {
      s = s.withExecutionSamplePeriod(executionSamplePeriod.get());
    }
    if (classHistogramOff) {
      s = s.withClassHistogramPeriod(Duration.ZERO);
    } else if (classHistogramPeriod.isPresent()) {
      s = s.withClassHistogramPeriod(classHistogramPeriod.get());
    }
    if (topClasses.isPresent()) {
      s = s.withTopClasses(topClasses.getAsInt());
    }
    if (ioEventThreshold.isPresent()) {
      s = s.withIoEventThreshold(ioEventThreshold.get());
    }
    if (contentionThreshold.isPresent()) {
      s = s.withContentionThreshold(contentionThreshold.get());
    }
    return s;
  }
}
