package dev.umbra.agent.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateTest {
  @Test
  void countsWhatHappenedBeforeTheFirstRead() {
    Rate rate = new Rate();
    assertThat(rate.perSecond(11_000, 2.0)).isEqualTo(5_500.0);
    assertThat(rate.perSecond(11_000, 1.0)).isZero();
    assertThat(rate.perSecond(12_000, 0.5)).isEqualTo(2_000.0);
  }

  @Test
  void yieldsZero_forACounterThatWentBackwards() {
    Rate rate = new Rate();
    rate.perSecond(100, 1);
    assertThat(rate.perSecond(10, 1)).isZero();
    assertThat(rate.perSecond(30, 1)).isEqualTo(20.0);
  }
}
