package dev.umbra.shadow.manager;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowsTest {
  @Test
  void largestRise_looksOnlyWithinTheWindow_andSkipsHoles() {
    double[] v = {10, Double.NaN, 12, 30, 5, 6, 7, 40};

    assertThat(Windows.largestRise(v, 2)).isEqualTo(34.0); // 6 -> 40 (5 -> 40 is 3 s apart)
    assertThat(Windows.largestRise(v, 1)).isEqualTo(33.0); // 7 -> 40
    assertThat(Windows.largestRise(new double[] {10, Double.NaN, 30}, 1)).isZero(); // the hole is no value
    assertThat(Windows.largestRise(new double[] {5, 4, 3}, 2)).isZero();
  }

  @Test
  void growing_comparesThePeaksOfTheNewestAndOldestThirds() {
    assertThat(Windows.growing(new double[] {100, 90, 95, 99, 100, 102.5}, 0.02)).isTrue();
    assertThat(Windows.growing(new double[] {100, 90, 95, 99, 100, 101.5}, 0.02)).isFalse();
    assertThat(Windows.growing(new double[] {Double.NaN, Double.NaN, 1, 2, 5, 9}, 0.02)).isFalse(); // no old peak
    assertThat(Windows.growing(new double[] {1, 9}, 0.02)).isFalse(); // too short to have thirds
  }

  @Test
  void max_skipsHoles_andIsNaNWithoutAValue() {
    assertThat(Windows.max(new double[] {1, Double.NaN, 3, 2})).isEqualTo(3.0);
    assertThat(Windows.max(new double[] {Double.NaN})).isNaN();
  }
}
