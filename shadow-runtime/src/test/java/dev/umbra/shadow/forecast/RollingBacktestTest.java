package dev.umbra.shadow.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RollingBacktestTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Horizon TEN_SECONDS = new Horizon(10, Duration.ofSeconds(1));
  private static final QuantileLevels LEVELS = QuantileLevels.of(0.5, 0.9);
  private static final double[] LOW = {1, 2};
  private static final double[] HIGH = {5, 6};

  private static RollingBacktest backtest(int candidates) {
    return new RollingBacktest(candidates, TEN_SECONDS, LEVELS, Duration.ofSeconds(30), Duration.ofHours(1));
  }

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void scoresAgainstThePeakAfterTheOrigin_notTheOriginsOwnSample() {
    RollingBacktest b = backtest(2);
    b.observe(at(0), 100); // the origin's sample: the forecasts were made after seeing it
    b.issue(at(0), new double[][] {LOW, HIGH});
    b.observe(at(0), 100); // the same second again: not after the origin either
    b.observe(at(4), 3);
    b.observe(at(7), 2);
    assertThat(b.scored()).isZero();

    b.observe(at(10), 1); // ends the horizon, and is inside it

    assertThat(b.scored()).isEqualTo(1);
    assertThat(b.meanLoss(0)).isCloseTo(PinballLoss.mean(3, LOW, LEVELS) / 3, within(1e-12));
    assertThat(b.meanLoss(1)).isCloseTo(PinballLoss.mean(3, HIGH, LEVELS) / 3, within(1e-12));
    // at p50 and p90, overshooting 3 by 2..3 (loss 0.65) costs less than missing it by 1..2 (0.95)
    assertThat(b.best(1)).isEqualTo(1);
  }

  @Test
  void anOriginWhereACandidateCouldNotForecast_isNotScored() {
    RollingBacktest b = backtest(2);
    b.issue(at(0), new double[][] {LOW, null});
    b.observe(at(5), 3);
    b.observe(at(10), 3);

    assertThat(b.scored()).isZero();
    assertThat(b.meanLoss(0)).isNaN();
    assertThat(b.best(0)).isEqualTo(-1);
  }

  @Test
  void issuesOncePerHorizon() {
    RollingBacktest b = backtest(1);
    assertThat(b.issueDue(at(0))).isTrue();
    b.issue(at(0), new double[][] {LOW});

    assertThat(b.issueDue(at(9))).isFalse();
    assertThat(b.issueDue(at(10))).isTrue();
  }

  @Test
  void aGapLongerThanMaxGap_dropsThePendingOrigins() {
    RollingBacktest b = backtest(1);
    b.observe(at(0), 1);
    b.issue(at(0), new double[][] {LOW});
    b.observe(at(5), 2);

    b.observe(at(40), 2); // 35 s after the last value

    assertThat(b.scored()).isZero();
  }

  @Test
  void olderScoresWeighLess_byTheHalfLife() {
    RollingBacktest b = backtest(1);
    b.issue(at(0), new double[][] {LOW});
    b.observe(at(10), 4); // loss a, scored at 10 s
    long later = 10 + 3600; // one half-life later
    b.observe(at(later - 10), 1);
    b.issue(at(later - 10), new double[][] {LOW});
    b.observe(at(later), 2); // loss c, weighed 1 against a's 0.5

    double a = PinballLoss.mean(4, LOW, LEVELS) / 4;
    double c = PinballLoss.mean(2, LOW, LEVELS) / 2;
    assertThat(b.scored()).isEqualTo(2);
    assertThat(b.meanLoss(0)).isCloseTo((a * 0.5 + c) / 1.5, within(1e-12));
  }

  @Test
  void selectsNoCandidate_beforeEnoughOriginsWereScored_andTheLowestLossAfter() {
    RollingBacktest b = backtest(2);
    for (int i = 0; i < 3; i++) {
      b.issue(at(10L * i), new double[][] {HIGH, LOW});
      b.observe(at(10L * i + 10), 2);
    }

    assertThat(b.best(4)).isEqualTo(-1);
    assertThat(b.best(3)).isEqualTo(1);
  }

  @Test
  void rejectsBadArguments_withAClearMessage() {
    assertThatThrownBy(() -> new RollingBacktest(0, TEN_SECONDS, LEVELS, Duration.ofSeconds(1), Duration.ofHours(1)))
        .hasMessageContaining("at least one candidate");
    assertThatThrownBy(() -> new RollingBacktest(1, TEN_SECONDS, LEVELS, Duration.ofSeconds(1), Duration.ZERO))
        .hasMessageContaining("halfLife must be positive");
    assertThatThrownBy(() -> backtest(2).issue(T0, new double[][] {LOW}))
        .hasMessageContaining("expected peaks of 2 candidates, got 1");
  }
}
