package dev.umbra.shadow.grpc;

import com.google.protobuf.Duration;
import dev.umbra.proto.v1.Criticality;
import dev.umbra.proto.v1.SamplingConfig;
import io.grpc.Status;

/**
 * The bounds a {@code SetSampling} request must keep (documented on {@code umbra.v1.SamplingConfig}):
 * the agent applies what it is sent, so a 1 ns batch period would spin it and a 10 000-year one
 * would silently stop the primary's telemetry. A field left absent or zero keeps the agent's
 * value; a set field outside its bounds is refused with INVALID_ARGUMENT naming it.
 */
final class SamplingBounds {
  static final java.time.Duration BATCH_MIN = java.time.Duration.ofMillis(50);
  static final java.time.Duration BATCH_MAX = java.time.Duration.ofSeconds(60);
  static final java.time.Duration GAUGE_MIN = java.time.Duration.ofMillis(100);
  static final java.time.Duration GAUGE_MAX = java.time.Duration.ofSeconds(60);
  static final java.time.Duration EXECUTION_MIN = java.time.Duration.ofMillis(10);
  static final java.time.Duration EXECUTION_MAX = java.time.Duration.ofSeconds(60);
  static final java.time.Duration HISTOGRAM_MIN = java.time.Duration.ofSeconds(10);
  static final java.time.Duration HISTOGRAM_MAX = java.time.Duration.ofHours(24);
  static final java.time.Duration THRESHOLD_MIN = java.time.Duration.ofMillis(1);
  static final java.time.Duration THRESHOLD_MAX = java.time.Duration.ofSeconds(60);
  static final int TOP_CLASSES_MAX = 10_000;

  private SamplingBounds() {}

  /** @throws ApiException INVALID_ARGUMENT naming the first field out of bounds */
  static void check(SamplingConfig s) {
    if (s.getCriticality() == Criticality.UNRECOGNIZED) {
      throw invalid("sampling.criticality: " + s.getCriticalityValue()
          + " is not a Criticality (0 keeps it, 1 low, 2 normal, 3 high)");
    }
    period("sampling.batch_period", s.hasBatchPeriod(), s.getBatchPeriod(), BATCH_MIN, BATCH_MAX);
    period("sampling.gauge_period", s.hasGaugePeriod(), s.getGaugePeriod(), GAUGE_MIN, GAUGE_MAX);
    period("sampling.execution_sample_period", s.hasExecutionSamplePeriod(), s.getExecutionSamplePeriod(),
        EXECUTION_MIN, EXECUTION_MAX);
    period("sampling.class_histogram_period", s.hasClassHistogramPeriod(), s.getClassHistogramPeriod(),
        HISTOGRAM_MIN, HISTOGRAM_MAX);
    period("sampling.io_event_threshold", s.hasIoEventThreshold(), s.getIoEventThreshold(),
        THRESHOLD_MIN, THRESHOLD_MAX);
    period("sampling.contention_threshold", s.hasContentionThreshold(), s.getContentionThreshold(),
        THRESHOLD_MIN, THRESHOLD_MAX);
    // uint32 arrives as a Java int: 2^31 and above are negative here
    if (Integer.toUnsignedLong(s.getTopClasses()) > TOP_CLASSES_MAX) {
      throw invalid("sampling.top_classes: " + Integer.toUnsignedString(s.getTopClasses())
          + " is above " + TOP_CLASSES_MAX);
    }
  }

  private static void period(String field, boolean present, Duration wire, java.time.Duration min,
      java.time.Duration max) {
    if (!present || (wire.getSeconds() == 0 && wire.getNanos() == 0)) {
      return; // keeps the agent's value
    }
    long seconds = wire.getSeconds();
    int nanos = wire.getNanos();
    // google.protobuf.Duration's own rules: about ±10 000 years, nanos of the same sign as seconds
    if (seconds > 315_576_000_000L || seconds < -315_576_000_000L || nanos <= -1_000_000_000 || nanos >= 1_000_000_000
        || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
      throw invalid(field + ": not a valid Duration (seconds " + seconds + ", nanos " + nanos + ")");
    }
    java.time.Duration value = java.time.Duration.ofSeconds(seconds, nanos);
    if (value.isNegative()) {
      throw invalid(field + ": must not be negative (seconds " + seconds + ", nanos " + nanos + ")");
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw invalid(field + ": " + text(value) + " is not within " + text(min) + ".." + text(max));
    }
  }

  /** 50ms, 60s, 1h for a non-negative duration; its seconds and nanoseconds when not whole milliseconds. */
  private static String text(java.time.Duration d) {
    if (d.getNano() % 1_000_000 != 0 || d.getSeconds() > 1_000_000_000L) {
      return d.getSeconds() + "s " + d.getNano() + "ns";
    }
    long millis = d.toMillis();
    if (millis % 3_600_000 == 0 && millis != 0) {
      return millis / 3_600_000 + "h";
    }
    return millis % 1000 == 0 && millis != 0 ? millis / 1000 + "s" : millis + "ms";
  }

  private static ApiException invalid(String description) {
    return new ApiException(Status.INVALID_ARGUMENT.withDescription(description));
  }
}
