package dev.umbra.shadow.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.forecast.baseline.EmpiricalPeakForecaster;
import dev.umbra.shadow.forecast.baseline.PeakLevel;
import dev.umbra.shadow.forecast.baseline.VpaForecaster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The contract's horizons through the window API: 60 × 1 s and 60 × 10 s. */
class HorizonsTest {
  private static final Instant END = Instant.parse("2026-01-01T12:00:00Z");

  private static HistoryWindow window(Duration step, int n) {
    Random random = new Random(11);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 1.5 + 0.5 * Math.sin(i / 300.0) + 0.2 * random.nextDouble();
    }
    return HistoryWindow.of("cpu.process", step, v, END);
  }

  @Test
  void forecastsBothContractHorizons_withNonCrossingStepsAndAPeakAboveTheMedianStep() throws Exception {
    Duration gap = Duration.ofSeconds(30);
    Forecaster selected = new ReplayingForecaster(SelectingForecaster.factory(List.of(
        EmpiricalPeakForecaster.factory(PeakLevel.EWMA, SeriesProfile::ofCanonical, gap),
        EmpiricalPeakForecaster.factory(PeakLevel.RECENT_PEAK, SeriesProfile::ofCanonical, gap)), gap));
    Forecaster forecaster = new FallbackForecaster(selected, new ReplayingForecaster(VpaForecaster.factory(SeriesProfile::ofCanonical)));
    for (Horizon h : List.of(Horizon.DEFAULT, new Horizon(60, Duration.ofSeconds(10)))) {
      // 2 hours of history on the horizon's own grid: enough for 24 horizons at 1 s, not at 10 s
      HistoryWindow w = window(h.step(), (int) (Duration.ofHours(2).toSeconds() / h.step().toSeconds()));
      QuantileForecast f = forecaster.forecast(w, h, QuantileLevels.DEFAULT);
      assertThat(f.horizon()).isEqualTo(h);
      for (int s = 0; s < h.steps(); s++) {
        double[] row = f.stepQuantiles(s);
        for (int j = 1; j < row.length; j++) {
          assertThat(row[j]).isGreaterThanOrEqualTo(row[j - 1]);
        }
      }
      assertThat(f.peakAt(0.5)).isGreaterThanOrEqualTo(f.stepQuantile(0, 1) * 0.99);
      assertThat(f.probabilityPeakAbove(f.peakAt(0.5))).isBetween(0.0, 0.5);
      assertThat(f.probabilityPeakAbove(0)).isEqualTo(1.0);
      if (h.step().getSeconds() == 10) {
        assertThat(f.model()).isEqualTo("vpa");
        assertThat(f.fallbackReason()).isPresent();
      } else {
        assertThat(f.fallbackReason().orElse("")).doesNotContain("vpa");
      }
    }
  }
}
