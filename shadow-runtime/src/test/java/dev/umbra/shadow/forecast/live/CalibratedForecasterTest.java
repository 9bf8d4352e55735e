package dev.umbra.shadow.forecast.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.Calibration;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.Provenance;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CalibratedForecasterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Horizon HORIZON = new Horizon(12, Duration.ofMinutes(1));
  private static final QuantileLevels LEVELS = QuantileLevels.of(0.05, 0.5, 0.9, 0.99);
  private static final SeriesProfile CPU = new SeriesProfile(SeriesProfile.ResourceKind.CPU, 1, 0);
  private static final Calibration SETTINGS = new Calibration(Duration.ofDays(7), 0.005, 24);

  /** A model that ignores the data and states whatever peak quantiles it is given: miscalibrated on purpose. */
  private static final class StatedForecaster implements OnlineForecaster {
    private final Supplier<double[]> peaks;
    int forecasts;

    StatedForecaster(Supplier<double[]> peaks) {
      this.peaks = peaks;
    }

    @Override
    public String name() {
      return "stated";
    }

    @Override
    public void observe(Instant at, double value) {}

    @Override
    public QuantileForecast forecast(Instant origin) {
      forecasts++;
      double[] peak = peaks.get();
      double[][] steps = new double[HORIZON.steps()][];
      Arrays.fill(steps, peak);
      return QuantileForecast.of(new Provenance("cpu", "stated", "1"), origin, HORIZON, LEVELS, steps, peak);
    }
  }

  private static CalibratedForecaster calibrated(Supplier<double[]> peaks) {
    return new CalibratedForecaster(new StatedForecaster(peaks), "cpu", CPU, HORIZON, LEVELS, SETTINGS,
        Duration.ofMinutes(2));
  }

  /** Log-normal noise around 100: its 12-step peak is far above what the stated model claims. */
  private static double[] noise(long seed, int n) {
    Random random = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 100 * Math.exp(0.3 * random.nextGaussian());
    }
    return v;
  }

  @Test
  void statedNinetyPercentQuantileIsExceededOnAboutATenthOfHorizons_afterWarmUp() throws Exception {
    double[] v = noise(17, 30_000); // ~21 days of 1-minute samples
    CalibratedForecaster model = calibrated(() -> new double[] {90, 100, 110, 120});
    int level = LEVELS.indexOf(0.9);
    int horizons = 0;
    int exceeded = 0;
    int rawExceeded = 0;
    int warmUp = 2 * 1440; // two days: 24 horizons' worth of origins resolve in the first ~5 h
    for (int i = 0; i < v.length; i++) {
      model.observe(T0.plusSeconds(60L * i), v[i]);
      if (i >= warmUp && (i - warmUp) % HORIZON.steps() == 0 && i + HORIZON.steps() < v.length) {
        double q = model.forecast(T0.plusSeconds(60L * i)).peakQuantile(level);
        double peak = Arrays.stream(v, i + 1, i + 1 + HORIZON.steps()).max().orElseThrow();
        horizons++;
        exceeded += peak > q ? 1 : 0;
        rawExceeded += peak > 110 ? 1 : 0;
      }
    }
    // ~2,250 disjoint horizons of i.i.d. noise: the binomial s.d. of the share is 0.006; the
    // calibrator's own estimate (7-day half-life, ~1,000 effective disjoint horizons) adds about
    // 0.009. ±0.03 is three times their combined s.d.
    assertThat((double) exceeded / horizons).isCloseTo(0.10, within(0.03));
    assertThat((double) rawExceeded / horizons).isGreaterThan(0.5); // the wrapped model is far off
  }

  @Test
  void quantilesNeverCross_evenWhenTheWrappedModelsLevelsAreNoise() throws Exception {
    Random stated = new Random(3);
    CalibratedForecaster model = calibrated(() -> {
      double[] q = new double[LEVELS.size()];
      for (int j = 0; j < q.length; j++) {
        q[j] = 50 + 100 * stated.nextDouble();
      }
      return QuantileForecast.rearranged(q); // sorted, but each level's error is unrelated to its level
    });
    double[] v = noise(5, 5_000);
    int checked = 0;
    for (int i = 0; i < v.length; i++) {
      Instant at = T0.plusSeconds(60L * i);
      model.observe(at, v[i]);
      if (model.resolved() > 24L * HORIZON.steps()) {
        double[] peak = model.forecast(at).peakQuantiles();
        for (int j = 1; j < peak.length; j++) {
          assertThat(peak[j]).isGreaterThanOrEqualTo(peak[j - 1]);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(4_000);
  }

  @Test
  void forecastAtTIsUnchanged_whenValuesAfterTAreAltered() throws Exception {
    double[] a = noise(11, 4_000);
    double[] b = a.clone();
    int t = 3_000;
    for (int i = t + 1; i < b.length; i++) {
      b[i] = 10 * a[i]; // a surge right after the origin
    }
    QuantileForecast fa = forecastAt(a, t);
    QuantileForecast fb = forecastAt(b, t);
    assertThat(fa.peakQuantiles()).containsExactly(fb.peakQuantiles());
    // and it was corrected, not passed through
    assertThat(fa.modelVersion()).doesNotContain("warming up");
  }

  /** Feeds all of {@code v}, as a live stream would, and returns the forecast made at index {@code t}. */
  private static QuantileForecast forecastAt(double[] v, int t) throws InsufficientHistoryException {
    CalibratedForecaster model = calibrated(() -> new double[] {90, 100, 110, 120});
    QuantileForecast atT = null;
    for (int i = 0; i < v.length; i++) {
      model.observe(T0.plusSeconds(60L * i), v[i]);
      if (i == t) {
        atT = model.forecast(T0.plusSeconds(60L * i));
      }
    }
    return atT;
  }

  @Test
  void passesTheWrappedForecastThrough_untilEnoughHorizonsHaveResolved() throws Exception {
    CalibratedForecaster model = calibrated(() -> new double[] {90, 100, 110, 120});
    for (int i = 0; i < 100; i++) {
      model.observe(T0.plusSeconds(60L * i), 150);
    }
    QuantileForecast f = model.forecast(T0.plusSeconds(60L * 99));
    assertThat(f.peakQuantiles()).containsExactly(90, 100, 110, 120);
    assertThat(f.model()).isEqualTo("stated");
    assertThat(model.name()).isEqualTo("calibrated-stated");
    assertThat(f.modelVersion()).contains("warming up");
  }

  @Test
  void asksTheWrappedModelOncePerStep_whenTheForecastIsAtTheNewestSample() throws Exception {
    StatedForecaster inner = new StatedForecaster(() -> new double[] {90, 100, 110, 120});
    CalibratedForecaster model =
        new CalibratedForecaster(inner, "cpu", CPU, HORIZON, LEVELS, SETTINGS, Duration.ofMinutes(2));
    for (int i = 0; i < 10; i++) {
      model.observe(T0.plusSeconds(60L * i), 100);
      model.forecast(T0.plusSeconds(60L * i));
    }
    assertThat(inner.forecasts).isEqualTo(10);
    model.forecast(T0.plusSeconds(60L * 9 + 30)); // a later origin is the wrapped model's to answer
    assertThat(inner.forecasts).isEqualTo(11);
  }

  @Test
  void learnsNothingAcrossAGap() {
    CalibratedForecaster model = calibrated(() -> new double[] {90, 100, 110, 120});
    for (int i = 0; i < 6; i++) {
      model.observe(T0.plusSeconds(60L * i), 100);
    }
    // a 3-hour hole: the pending horizons straddle it
    for (int i = 0; i < 6; i++) {
      model.observe(T0.plusSeconds(3 * 3600 + 60L * i), 100);
    }
    assertThat(model.resolved()).isZero();
  }
}
