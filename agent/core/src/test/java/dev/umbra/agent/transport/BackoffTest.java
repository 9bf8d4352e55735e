package dev.umbra.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");

  @Test
  void doublesTheDelay_upToTheMaximum() {
    Backoff backoff = new Backoff(clock, Duration.ofMillis(100), Duration.ofSeconds(1), 0, () -> 0.5);

    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.failed()).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.failed()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void allowsTheNextAttempt_onlyOnceTheDelayHasPassed() {
    Backoff backoff = new Backoff(clock, Duration.ofMillis(100), Duration.ofSeconds(1), 0, () -> 0.5);
    assertThat(backoff.mayAttempt()).isTrue();

    backoff.failed();
    clock.advance(Duration.ofMillis(99));
    assertThat(backoff.mayAttempt()).isFalse();
    assertThat(backoff.remaining()).isEqualTo(Duration.ofMillis(1));
    clock.advance(Duration.ofMillis(1));
    assertThat(backoff.mayAttempt()).isTrue();
  }

  @Test
  void jittersWithinTheConfiguredFraction() {
    Backoff low = new Backoff(clock, Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2, () -> 0.0);
    Backoff high = new Backoff(clock, Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2, () -> 0.999_999);

    assertThat(low.failed()).isEqualTo(Duration.ofMillis(800));
    assertThat(high.failed()).isEqualTo(Duration.ofMillis(1200));
  }

  @Test
  void startsOver_afterASuccess() {
    Backoff backoff = new Backoff(clock, Duration.ofMillis(100), Duration.ofSeconds(10), 0, () -> 0.5);
    backoff.failed();
    backoff.failed();
    backoff.failed();

    backoff.succeeded();

    assertThat(backoff.mayAttempt()).isTrue();
    assertThat(backoff.failures()).isZero();
    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(100));
  }
}
