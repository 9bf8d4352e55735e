package dev.umbra.it.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on a condition with a deadline; fails with context (what was seen, process output). */
final class Await {
  private Await() {}

  static void until(String what, BooleanSupplier condition, Duration timeout, Supplier<String> context)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "\n" + context.get());
      }
      Thread.sleep(100);
    }
  }
}
