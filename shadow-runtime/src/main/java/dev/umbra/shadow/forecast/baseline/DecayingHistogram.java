package dev.umbra.shadow.forecast.baseline;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * VPA's decaying histogram ({@code decaying_histogram.go}): a sample at time t gets weight
 * {@code w·2^((t − reference)/halfLife)}, so it loses half its importance each half-life
 * relative to newer samples. The reference timestamp is always a multiple of the half-life
 * (counted from Go's zero time, 0001-01-01T00:00Z); when a sample arrives more than
 * 100 half-lives after it, the reference is moved to the sample's time rounded to the
 * half-life and every weight is rescaled by {@code 2^(old − new)/halfLife} (renormalisation,
 * which leaves percentiles unchanged). Not thread-safe.
 */
public final class DecayingHistogram extends Histogram {
  /** Go's {@code time.Time{}}: VPA's initial reference timestamp. */
  static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  static final int MAX_DECAY_EXPONENT = 100;

  private final Duration halfLife;
  private Instant referenceTimestamp = GO_ZERO_TIME;

  public DecayingHistogram(ExponentialBuckets buckets, Duration halfLife) {
    super(buckets);
    this.halfLife = Objects.requireNonNull(halfLife, "halfLife");
    if (halfLife.compareTo(Duration.ofSeconds(1)) < 0 || halfLife.getNano() != 0) {
      throw new IllegalArgumentException("half-life must be whole seconds >= 1 s: " + halfLife);
    }
  }

  public void addSample(double value, double weight, Instant time) {
    addSample(value, weight * decayFactor(time));
  }

  public void subtractSample(double value, double weight, Instant time) {
    subtractSample(value, weight * decayFactor(time));
  }

  public Instant referenceTimestamp() {
    return referenceTimestamp;
  }

  double decayFactor(Instant timestamp) {
    Instant maxAllowed = referenceTimestamp.plus(halfLife.multipliedBy(MAX_DECAY_EXPONENT));
    if (timestamp.isAfter(maxAllowed)) {
      shiftReferenceTimestamp(timestamp);
    }
    return Math.pow(2, seconds(Duration.between(referenceTimestamp, timestamp)) / seconds(halfLife));
  }

  private void shiftReferenceTimestamp(Instant newReference) {
    Instant rounded = roundToHalfLife(newReference);
    double exponentExact = seconds(Duration.between(rounded, referenceTimestamp)) / seconds(halfLife);
    long exponent = (long) Math.floor(exponentExact + 0.5);
    // Math.scalb saturates to 0 for hugely negative exponents, as Go's math.Ldexp does
    scale(Math.scalb(1.0, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, exponent))));
    referenceTimestamp = rounded;
  }

  /** Go's {@code Time.Round(d)}: nearest multiple of d since the zero time, halves up. */
  private Instant roundToHalfLife(Instant t) {
    long half = halfLife.toSeconds();
    long sinceZero = Duration.between(GO_ZERO_TIME, t).toSeconds();
    long q = Math.floorDiv(sinceZero, half);
    long r = sinceZero - q * half;
    long multiple = r + r < half ? q : q + 1;
    return GO_ZERO_TIME.plusSeconds(multiple * half);
  }

  private static double seconds(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }
}
