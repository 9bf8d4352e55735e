package dev.umbra.shadow.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class QuantileForecastTest {
  private static final Provenance P = new Provenance("cpu.process", "test", "1");
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final QuantileLevels L = QuantileLevels.of(0.1, 0.5, 0.9);
  private static final Horizon H = new Horizon(2, Duration.ofSeconds(1));

  private static QuantileForecast forecast(double[] peak) {
    return QuantileForecast.of(P, T, H, L, new double[][] {{1, 2, 3}, {1, 2, 3}}, peak);
  }

  @Nested
  class Validation {
    @Test
    void rejectsCrossingQuantiles_inAStepOrThePeak() {
      assertThatThrownBy(() -> QuantileForecast.of(P, T, H, L, new double[][] {{1, 3, 2}, {1, 2, 3}}, new double[] {1, 2, 3}))
          .hasMessageContaining("step 0").hasMessageContaining("cross");
      assertThatThrownBy(() -> forecast(new double[] {2, 1, 3})).hasMessageContaining("peak");
    }

    @Test
    void rejectsWrongShapesAndNonFiniteValues() {
      assertThatThrownBy(() -> QuantileForecast.of(P, T, H, L, new double[][] {{1, 2, 3}}, new double[] {1, 2, 3}))
          .hasMessageContaining("horizon of 2");
      assertThatThrownBy(() -> forecast(new double[] {1, 2})).hasMessageContaining("3 levels");
      assertThatThrownBy(() -> forecast(new double[] {1, 2, Double.NaN})).hasMessageContaining("NaN");
    }

    @Test
    void rearrangementRemovesCrossings() {
      assertThat(QuantileForecast.rearranged(new double[] {3, 1, 2})).containsExactly(1, 2, 3);
    }

    @Test
    void isImmutable_againstTheCallersArrays() {
      double[] peak = {1, 2, 3};
      QuantileForecast f = forecast(peak);
      peak[2] = 100;
      f.peakQuantiles()[0] = -5;
      assertThat(f.peakQuantiles()).containsExactly(1, 2, 3);
    }

    @Test
    void levelsMustBeStrictlyIncreasingInsideZeroOne() {
      assertThatThrownBy(() -> QuantileLevels.of(0.5, 0.5)).hasMessageContaining("increasing");
      assertThatThrownBy(() -> QuantileLevels.of(0, 0.5)).hasMessageContaining("not in (0,1)");
      assertThatThrownBy(() -> QuantileLevels.of(0.5, 1.0)).hasMessageContaining("not in (0,1)");
    }
  }

  @Nested
  class Exceedance {
    private final QuantileForecast f = forecast(new double[] {10, 20, 40});

    @Test
    void interpolatesTheCdfBetweenQuantiles() {
      assertThat(f.probabilityPeakAbove(10)).isCloseTo(0.9, within(1e-12));
      assertThat(f.probabilityPeakAbove(15)).isCloseTo(0.7, within(1e-12));
      assertThat(f.probabilityPeakAbove(20)).isCloseTo(0.5, within(1e-12));
      assertThat(f.probabilityPeakAbove(30)).isCloseTo(0.3, within(1e-12));
      assertThat(f.probabilityPeakAbove(40)).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void tailsReachOneAtZeroDemandAndZeroBeyondTheExtrapolatedTop() {
      assertThat(f.probabilityPeakAbove(-1)).isEqualTo(1.0);
      assertThat(f.probabilityPeakAbove(5)).isCloseTo(0.95, within(1e-12));
      // last segment slope 0.4/20 per unit: reaches CDF 1 at 40 + 0.1/0.02 = 45
      assertThat(f.probabilityPeakAbove(42.5)).isCloseTo(0.05, within(1e-12));
      assertThat(f.probabilityPeakAbove(1000)).isZero();
    }

    @Test
    void isNonIncreasing_evenWithPlateaus() {
      QuantileForecast flat = forecast(new double[] {10, 10, 10});
      double previous = 1;
      for (double x = 0; x < 20; x += 0.25) {
        double p = flat.probabilityPeakAbove(x);
        assertThat(p).isLessThanOrEqualTo(previous).isBetween(0.0, 1.0);
        previous = p;
      }
      assertThat(flat.probabilityPeakAbove(10)).isCloseTo(0.1, within(1e-12));
      assertThat(flat.probabilityPeakAbove(10.001)).isZero();
    }

    @Test
    void extrapolatesWithTheLastSegmentOfPositiveWidth_whenTheTopQuantilesAreEqual() {
      QuantileForecast top = forecast(new double[] {10, 20, 20});
      assertThat(top.probabilityPeakAbove(20)).isCloseTo(0.1, within(1e-12));
      // slope of the 10..20 segment: 0.4 per 10 units -> CDF 1 at 20 + 0.1/0.04 = 22.5
      assertThat(top.probabilityPeakAbove(21.25)).isCloseTo(0.05, within(1e-12));
      assertThat(top.probabilityPeakAbove(23)).isZero();
    }

    @Test
    void peakAtInterpolatesLevels_andInvertsTheExceedance() {
      assertThat(f.peakAt(0.7)).isCloseTo(30, within(1e-12));
      assertThat(f.probabilityPeakAbove(f.peakAt(0.7))).isCloseTo(0.3, within(1e-12));
      assertThat(f.peakAt(0.99)).isEqualTo(40);
    }
  }

  @Nested
  class Windows {
    @Test
    void rejectsNaNAndNegativeValues_namingTheIndex() {
      assertThatThrownBy(() -> HistoryWindow.of("mem.rss", Duration.ofSeconds(1), new double[] {1, Double.NaN}, T))
          .hasMessageContaining("mem.rss").hasMessageContaining("value 1 of 2 is NaN");
      assertThatThrownBy(() -> HistoryWindow.of("mem.rss", Duration.ofSeconds(1), new double[] {-3}, T))
          .hasMessageContaining("-3.0");
    }

    @Test
    void timesEndAtTheEnd() {
      HistoryWindow w = HistoryWindow.of("x", Duration.ofSeconds(10), new double[] {1, 2, 3}, T);
      assertThat(w.timeOf(0)).isEqualTo(T.minusSeconds(20));
      assertThat(w.timeOf(2)).isEqualTo(T);
    }

    @Test
    void horizonParsesStepsAndStep() {
      assertThat(Horizon.parse("60x10s")).isEqualTo(new Horizon(60, Duration.ofSeconds(10)));
      assertThat(Horizon.parse("12x5m").duration()).isEqualTo(Duration.ofHours(1));
      assertThatThrownBy(() -> Horizon.parse("60")).hasMessageContaining("STEPSxSTEP");
      assertThatThrownBy(() -> Horizon.parse("0x1s")).hasMessageContaining(">= 1");
      assertThatThrownBy(() -> Horizon.parse("5x3w")).hasMessage("horizon '5x3w': '3w' is not a duration (e.g. 500ms, 30s, 5m, PT30S)");
    }
  }
}
