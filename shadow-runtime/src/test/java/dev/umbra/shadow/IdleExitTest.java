package dev.umbra.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleExitTest {
  private final MutableClock clock = MutableClock.at("2027-01-01T00:00:00Z");
  private final AtomicLong connected = new AtomicLong();
  private final AtomicInteger stops = new AtomicInteger();

  @Test
  void stopsOnce_afterTheGraceWithNoPrimary() {
    try (IdleExit idle = new IdleExit(connected::get, clock, Duration.ofSeconds(30), stops::incrementAndGet)) {
      clock.advance(Duration.ofSeconds(29));
      idle.check();
      assertThat(stops).hasValue(0);
      clock.advance(Duration.ofSeconds(1));
      idle.check();
      idle.check();
      assertThat(stops).hasValue(1);
    }
  }

  @Test
  void countsTheGraceFromTheLastPrimaryLeaving() {
    try (IdleExit idle = new IdleExit(connected::get, clock, Duration.ofSeconds(30), stops::incrementAndGet)) {
      connected.set(2);
      clock.advance(Duration.ofMinutes(5));
      idle.check();
      connected.set(0);
      clock.advance(Duration.ofSeconds(20));
      idle.check();
      assertThat(stops).hasValue(0);
      clock.advance(Duration.ofSeconds(10));
      idle.check();
      assertThat(stops).hasValue(1);
    }
  }
}
