package dev.umbra.shadow.forecast.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.FallbackForecaster;
import dev.umbra.shadow.forecast.Forecaster;
import dev.umbra.shadow.forecast.HistoryWindow;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.ReplayingForecaster;
import dev.umbra.shadow.forecast.SelectingForecaster;
import dev.umbra.shadow.forecast.SeriesProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmpiricalPeakForecasterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Horizon HOUR = new Horizon(12, Duration.ofMinutes(5));
  private static final Duration GAP = Duration.ofMinutes(10);
  private static final SeriesProfile CORES = SeriesProfile.ofCanonical("cpu.process");

  private static EmpiricalPeakForecaster model(PeakLevel level) {
    return new EmpiricalPeakForecaster("cpu.process", CORES, level, HOUR, QuantileLevels.BACKTEST, GAP);
  }

  @Test
  void quantilesNeverCross_andThePeakCoversItsLevelOnANoisyDailyCycle() throws Exception {
    Random random = new Random(7);
    for (PeakLevel level : PeakLevel.values()) {
      EmpiricalPeakForecaster m = model(level);
      int covered = 0;
      int scored = 0;
      int steps = 20 * 288;
      double[] series = new double[steps];
      for (int i = 0; i < steps; i++) {
        double hour = (i % 288) / 12.0;
        series[i] = 2 + Math.sin(hour / 24 * 2 * Math.PI) + Math.abs(random.nextGaussian()) * 0.5;
      }
      for (int i = 0; i < steps; i++) {
        Instant at = T0.plus(Duration.ofMinutes(5L * i));
        m.observe(at, series[i]);
        if (i > 10 * 288 && i % 12 == 0 && i + 12 < steps) {
          QuantileForecast f = m.forecast(at);
          for (int s = 0; s < HOUR.steps(); s++) {
            double[] row = f.stepQuantiles(s);
            for (int j = 1; j < row.length; j++) {
              assertThat(row[j]).isGreaterThanOrEqualTo(row[j - 1]);
            }
          }
          double peak = 0;
          for (int k = 1; k <= 12; k++) {
            peak = Math.max(peak, series[i + k]);
          }
          covered += peak <= f.peakAt(0.9) ? 1 : 0;
          scored++;
        }
      }
      // a stationary series in ratio: the 0.9 quantile covers about 90 % of hourly peaks
      assertThat((double) covered / scored).as(level.name()).isBetween(0.8, 0.97);
    }
  }

  @Test
  void needsADayOfCompleteHorizons_beforeItForecasts() {
    EmpiricalPeakForecaster m = model(PeakLevel.RECENT_PEAK);
    for (int i = 0; i < 12 * 10; i++) {
      m.observe(T0.plus(Duration.ofMinutes(5L * i)), 1);
    }
    assertThatThrownBy(() -> m.forecast(T0.plus(Duration.ofHours(10))))
        .isInstanceOf(InsufficientHistoryException.class)
        .hasMessageContaining("needs 288");
  }

  @Test
  void dropsHorizonsThatStraddleAGap() throws Exception {
    EmpiricalPeakForecaster m = model(PeakLevel.RECENT_PEAK);
    // alternating blocks of 50 min of data and 2 h holes: no horizon is ever complete
    int t = 0;
    for (int block = 0; block < 100; block++) {
      for (int i = 0; i < 10; i++) {
        m.observe(T0.plus(Duration.ofMinutes(t)), 1);
        t += 5;
      }
      t += 120;
    }
    Instant end = T0.plus(Duration.ofMinutes(t));
    assertThatThrownBy(() -> m.forecast(end))
        .isInstanceOf(InsufficientHistoryException.class)
        .hasMessageContaining("has seen 0");
  }

  @Test
  void fallsBackToVpa_andSaysWhy_whenHistoryIsTooShort() throws Exception {
    Forecaster preferred = new ReplayingForecaster(EmpiricalPeakForecaster.factory(PeakLevel.EWMA, s -> CORES, GAP));
    Forecaster vpa = new ReplayingForecaster(VpaForecaster.factory(s -> CORES));
    HistoryWindow window = HistoryWindow.of("cpu.process", Duration.ofMinutes(5), new double[] {1, 1.5, 2}, T0);
    QuantileForecast f = new FallbackForecaster(preferred, vpa).forecast(window, HOUR, QuantileLevels.DEFAULT);
    assertThat(f.model()).isEqualTo("vpa");
    assertThat(f.fallbackReason()).hasValueSatisfying(r -> assertThat(r).startsWith("ewma: ").contains("needs 288"));
  }

  @Test
  void selectorPicksTheCandidateWithLowerPinballLoss() throws Exception {
    // a steady series: recent-peak is sharp, VPA's bucket ends are 5 % coarse and biased up
    List<OnlineForecaster.Factory> candidates = List.of(
        VpaForecaster.factory(s -> CORES),
        EmpiricalPeakForecaster.factory(PeakLevel.RECENT_PEAK, s -> CORES, GAP));
    SelectingForecaster selector = (SelectingForecaster) SelectingForecaster.factory(candidates, GAP)
        .create("cpu.process", HOUR, QuantileLevels.BACKTEST);
    Random random = new Random(3);
    QuantileForecast first = null;
    for (int i = 0; i < 6 * 288; i++) {
      Instant at = T0.plus(Duration.ofMinutes(5L * i));
      selector.observe(at, 1 + 0.01 * random.nextDouble());
      if (i == 10) {
        first = selector.forecast(at);
      }
    }
    assertThat(first.fallbackReason()).isPresent();
    assertThat(selector.selectedName()).isEqualTo("recent-peak");
    QuantileForecast f = selector.forecast(T0.plus(Duration.ofDays(6)));
    assertThat(f.model()).isEqualTo("recent-peak");
    assertThat(f.fallbackReason()).isEmpty();
    assertThat(f.peakAt(0.5)).isCloseTo(1.0, within(0.02));
  }
}
