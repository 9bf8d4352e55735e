package dev.umbra.shadow.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeriodicityTest {
  private static final Horizon EIGHT_SECONDS = new Horizon(8, Duration.ofSeconds(1));
  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");

  /** Steps of {@code phase} seconds through {@code levels}, repeating, with ±5 % noise, {@code n} seconds. */
  private static double[] steps(int n, int phase, double[] levels, long seed) {
    Random random = new Random(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double level = levels[(i / phase) % levels.length];
      out[i] = level * (1 + 0.1 * (random.nextDouble() - 0.5));
    }
    return out;
  }

  @Test
  void findsThePeriodOfSteppedDemand_whateverItsPhases() {
    double[] a = steps(600, 15, new double[] {0.2, 0.4, 0.6, 0.8}, 1);
    double[] b = steps(600, 23, new double[] {1, 3, 2}, 2);

    assertThat(Periodicity.detect(a)).hasValueSatisfying(f -> assertThat(f.periodSeconds()).isEqualTo(60));
    assertThat(Periodicity.detect(b)).hasValueSatisfying(f -> assertThat(f.periodSeconds()).isEqualTo(69));
  }

  @Test
  void findsNothing_inNoise_aFlatLine_orTooShortAHistory() {
    Random random = new Random(3);
    double[] noise = new double[600];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = random.nextDouble();
    }

    assertThat(Periodicity.detect(noise)).isEmpty();
    assertThat(Periodicity.detect(new double[600])).isEmpty();
    // 100 s of a 60 s cycle: fewer than three periods
    assertThat(Periodicity.detect(steps(100, 15, new double[] {0.2, 0.4, 0.6, 0.8}, 4))).isEmpty();
  }

  @Test
  void looksOnlyAtTheSecondsSinceTheSeriesBegan() {
    double[] window = new double[600];
    java.util.Arrays.fill(window, Double.NaN);
    double[] young = steps(240, 15, new double[] {0.2, 0.4, 0.6, 0.8}, 7); // four cycles so far
    System.arraycopy(young, 0, window, 600 - 240, 240);

    assertThat(Periodicity.detect(window)).hasValueSatisfying(f -> assertThat(f.periodSeconds()).isEqualTo(60));
  }

  @Test
  void forecastsTheRiseBeforeItComes_fromTheSameStretchOfEarlierPeriods() {
    // 600 s of a 60 s cycle; the newest second is 5 s before the step from 0.4 to 0.6
    double[] history = steps(600 + 25, 15, new double[] {0.2, 0.4, 0.6, 0.8}, 5);
    double[] upToNow = java.util.Arrays.copyOfRange(history, 25, 625);
    // the newest value is index 624 of history: second 624 % 60 = 24, in the 0.4 phase (15..29)

    QuantileForecast f = Periodicity.forecast("cpu.process", upToNow, NOW, EIGHT_SECONDS, QuantileLevels.DEFAULT)
        .orElseThrow();

    assertThat(f.model()).isEqualTo(Periodicity.MODEL);
    assertThat(f.selection()).hasValueSatisfying(s -> assertThat(s).contains("period 60 s"));
    assertThat(f.peakAt(0.95)).isCloseTo(0.6, within(0.6 * 0.06));
    assertThat(f.probabilityPeakAbove(0.45)).isGreaterThan(0.9);
  }

  @Test
  void saysNothing_whenThePeriodIsNoLongerThanTheHorizon() {
    double[] fast = steps(600, 3, new double[] {0.2, 0.8, 0.4, 0.6}, 6); // a 12 s cycle

    assertThat(Periodicity.forecast("cpu.process", fast, NOW, new Horizon(20, Duration.ofSeconds(1)),
        QuantileLevels.DEFAULT)).isEmpty();
  }
}
