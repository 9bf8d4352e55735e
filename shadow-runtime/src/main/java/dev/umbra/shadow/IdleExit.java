package dev.umbra.shadow;

import dev.umbra.shadow.threads.ShadowThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Ends a shadow that no primary needs: once no primary has been connected for {@code grace}
 * (counted from start, or from the last primary leaving), it runs {@code stop} once. A shadow an
 * agent spawned uses it so it does not outlive the primaries it serves.
 */
final class IdleExit implements AutoCloseable {
  private final LongSupplier connectedPrimaries;
  private final Clock clock;
  private final Duration grace;
  private final Runnable stop;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(ShadowThreads.factory("idle-exit", true));
  private long idleSinceMillis;
  private boolean stopped;

  IdleExit(LongSupplier connectedPrimaries, Clock clock, Duration grace, Runnable stop) {
    this.connectedPrimaries = connectedPrimaries;
    this.clock = clock;
    this.grace = grace;
    this.stop = stop;
    this.idleSinceMillis = clock.millis();
    timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
  }

  /** Package-private so tests can drive it with a MutableClock. */
  synchronized void check() {
    long now = clock.millis();
    if (connectedPrimaries.getAsLong() > 0) {
      idleSinceMillis = now;
    } else if (!stopped && now - idleSinceMillis >= grace.toMillis()) {
      stopped = true;
      stop.run();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
