package dev.umbra.shadow.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BinTransitionsTest {
  @Test
  void aValueOrdinaryOnItsOwn_isSurprising_afterAContextThatNeverLedToIt() {
    BinTransitions sequence = new BinTransitions(6, 2, 5);
    // a saw tooth 0, 10, 20, …, 50, 0, 10, …: after 20 comes 30, never 0
    for (int i = 0; i < 600; i++) {
      sequence.observe(10 * (i % 6));
    }
    double expected = sequence.observe(0); // after 50: as always
    sequence.observe(10);
    sequence.observe(20);
    double broken = sequence.observe(0); // after 10, 20: never seen

    assertThat(expected).isLessThan(0.05);
    assertThat(broken).isGreaterThan(0.95);
  }

  @Test
  void nothingIsSurprising_beforeAContextHasBeenSeenEnough() {
    BinTransitions sequence = new BinTransitions(6, 2, 5);
    for (int i = 0; i < 5; i++) {
      assertThat(sequence.observe(i % 2 == 0 ? 0 : 100)).isZero();
    }
  }

  @Test
  void aFlatSeries_isOneBin_andLessAndLessSurprising() {
    BinTransitions sequence = new BinTransitions(6, 2, 5);
    for (int i = 0; i < 10; i++) {
      sequence.observe(42);
    }
    double previous = 1;
    for (int i = 10; i < 100; i++) {
      double surprise = sequence.observe(42);
      assertThat(surprise).isLessThanOrEqualTo(previous);
      previous = surprise;
    }
    assertThat(previous).isLessThan(0.05); // (98 + ½) / (98 + 6·½) of the one bin
  }
}
