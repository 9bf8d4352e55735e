package dev.umbra.agent.transport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off with jitter between reconnect attempts: the n-th consecutive failure
 * waits {@code min(max, initial * 2^(n-1))}, scaled by a random factor in [1 - jitter, 1 + jitter]
 * so that a fleet of agents does not reconnect in step. A success resets it. Not thread-safe:
 * the transport thread owns it.
 */
final class Backoff {
  private final Clock clock;
  private final Duration initial;
  private final Duration max;
  private final double jitter;
  private final DoubleSupplier random;
  private int failures;
  private Instant nextAttempt;

  Backoff(Clock clock, Duration initial, Duration max, double jitter, DoubleSupplier random) {
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
    }
    this.clock = clock;
    this.initial = initial;
    this.max = max;
    this.jitter = jitter;
    this.random = random;
    this.nextAttempt = clock.instant();
  }

  /** The agent's default: 250 ms doubling to 30 s, ±20 %. */
  static Backoff standard(Clock clock) {
    return new Backoff(clock, Duration.ofMillis(250), Duration.ofSeconds(30), 0.2, Math::random);
  }

  /** Records a failed attempt and returns the delay until the next one. */
  Duration failed() {
    failures++;
    double base = initial.toMillis() * Math.pow(2, Math.min(failures - 1, 30));
    double capped = Math.min(base, max.toMillis());
    double factor = 1 - jitter + 2 * jitter * random.getAsDouble();
    Duration delay = Duration.ofMillis(Math.round(capped * factor));
    nextAttempt = clock.instant().plus(delay);
    return delay;
  }

  void succeeded() {
    failures = 0;
    nextAttempt = clock.instant();
  }

  boolean mayAttempt() {
    return !clock.instant().isBefore(nextAttempt);
  }

  /** Time left until an attempt is allowed; zero when it is. */
  Duration remaining() {
    Duration left = Duration.between(clock.instant(), nextAttempt);
    return left.isNegative() ? Duration.ZERO : left;
  }

  int failures() {
    return failures;
  }
}
