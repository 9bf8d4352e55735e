package dev.umbra.shadow.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.Provenance;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ModelBacktestTest {
  /** Always forecasts the same peak for every level. */
  private static OnlineForecaster constant(double peak) {
    return new OnlineForecaster() {
      @Override
      public String name() {
        return "constant";
      }

      @Override
      public void observe(Instant at, double value) {}

      @Override
      public QuantileForecast forecast(Instant origin) {
        double[] row = new double[QuantileLevels.DEFAULT.size()];
        java.util.Arrays.fill(row, peak);
        double[][] rows = new double[Horizon.DEFAULT.steps()][];
        java.util.Arrays.fill(rows, row);
        return QuantileForecast.of(new Provenance("cpu.process", "constant", "1"), origin, Horizon.DEFAULT,
            QuantileLevels.DEFAULT, rows, row);
      }
    };
  }

  private static double[] flat(int seconds, double value) {
    double[] v = new double[seconds];
    java.util.Arrays.fill(v, value);
    return v;
  }

  @Test
  void prefersTheForecasterCloserToTheRealisedPeaks() {
    ModelBacktest backtest = new ModelBacktest(Horizon.DEFAULT, QuantileLevels.DEFAULT);
    backtest.add(1_000, flat(600, 2.0), 0.01, () -> constant(2.0), () -> constant(8.0));
    assertThat(backtest.decides()).isTrue();
    assertThat(backtest.candidateNotWorse()).isTrue();
    assertThat(backtest.candidateLoss()).isLessThan(backtest.incumbentLoss());

    ModelBacktest reverse = new ModelBacktest(Horizon.DEFAULT, QuantileLevels.DEFAULT);
    reverse.add(1_000, flat(600, 2.0), 0.01, () -> constant(8.0), () -> constant(2.0));
    assertThat(reverse.candidateNotWorse()).isFalse();
  }

  @Test
  void decidesNothing_onTooLittleData() {
    ModelBacktest backtest = new ModelBacktest(Horizon.DEFAULT, QuantileLevels.DEFAULT);
    backtest.add(1_000, flat(150, 2.0), 0.01, () -> constant(2.0), () -> constant(8.0));
    assertThat(backtest.scored()).isLessThan(ModelBacktest.MIN_SCORED);
    assertThat(backtest.decides()).isFalse();
    assertThat(backtest.candidateNotWorse()).isFalse();
  }

  @Test
  void skipsHorizonsWithMostSecondsMissing() {
    double[] values = flat(600, 2.0);
    for (int i = 70; i < 600; i++) {
      values[i] = Double.NaN;
    }
    ModelBacktest backtest = new ModelBacktest(Horizon.DEFAULT, QuantileLevels.DEFAULT);
    backtest.add(1_000, values, 0.01, () -> constant(2.0), () -> constant(8.0));
    assertThat(backtest.scored()).isZero();
  }
}
