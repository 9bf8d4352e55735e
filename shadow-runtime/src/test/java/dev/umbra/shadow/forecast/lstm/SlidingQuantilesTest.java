package dev.umbra.shadow.forecast.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlidingQuantilesTest {
  @Test
  void matchesTheSortedWindow_asValuesComeAndGo() {
    SlidingQuantiles window = new SlidingQuantiles(7);
    SplittableRandom random = new SplittableRandom(5);
    double[] all = new double[200];
    for (int i = 0; i < all.length; i++) {
      all[i] = random.nextInt(5) + (random.nextBoolean() ? 0.5 : 0); // with repeats
      window.add(all[i]);
      double[] last = Arrays.copyOfRange(all, Math.max(0, i - 6), i + 1);
      Arrays.sort(last);
      assertThat(window.size()).isEqualTo(last.length);
      assertThat(window.quantile(0)).isEqualTo(last[0]);
      assertThat(window.quantile(1)).isEqualTo(last[last.length - 1]);
      double h = (last.length - 1) * 0.9;
      int lo = (int) h;
      double expected = last[lo] + (h - lo) * (last[Math.min(last.length - 1, lo + 1)] - last[lo]);
      assertThat(window.quantile(0.9)).isCloseTo(expected, within(1e-12));
    }
  }

  @Test
  void refusesWhatItCannotHold() {
    assertThatThrownBy(() -> new SlidingQuantiles(0)).isInstanceOf(IllegalArgumentException.class);
    SlidingQuantiles window = new SlidingQuantiles(3);
    assertThatThrownBy(() -> window.quantile(0.5)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> window.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
