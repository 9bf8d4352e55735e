package dev.umbra.shadow.grpc;

import java.time.Clock;
import java.time.Duration;

/**
 * Lets one log line through per {@code interval} and counts the ones it holds back, so that a
 * client that can cause a line per call (garbage on a stream, 50 connections a second) cannot
 * flood the shadow's log. Thread-safe.
 */
final class LogLimiter {
  private final Clock clock;
  private final long intervalMillis;
  private long nextMillis = Long.MIN_VALUE;
  private long held;

  LogLimiter(Clock clock, Duration interval) {
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
  }

  /**
   * @return -1 when this line must be held back; otherwise how many were held back since the
   *     last line let through (to say so in this one)
   */
  synchronized long admit() {
    long now = clock.millis();
    if (now < nextMillis) {
      held++;
      return -1;
    }
    nextMillis = now + intervalMillis;
    long before = held;
    held = 0;
    return before;
  }
}
