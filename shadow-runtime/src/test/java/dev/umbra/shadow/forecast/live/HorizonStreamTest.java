package dev.umbra.shadow.forecast.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.lstm.ModelKey;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HorizonStreamTest {
  private static final long T0 = 1_764_300_000L; // a multiple of 10

  private static HorizonStream stream(Horizon h) {
    return new HorizonStream(ModelKey.of("wl", "cpu.process", h), "p1", "cpu.process", h, QuantileLevels.DEFAULT);
  }

  @Test
  void averagesSecondsIntoSteps_ignoringRepeatsAndClampingNegatives() {
    HorizonStream s = stream(new Horizon(60, Duration.ofSeconds(10)));
    assertThat(s.addSecond(T0, 1)).isNull();
    assertThat(s.addSecond(T0, 99)).as("a repeated second").isNull();
    for (long t = T0 + 1; t < T0 + 9; t++) {
      assertThat(s.addSecond(t, t == T0 + 4 ? -5 : 1)).isNull();
    }
    double[] step = s.addSecond(T0 + 9, 1);
    assertThat(step).containsExactly(T0 + 9, 0.9); // nine 1s and one clamped -5 -> 0
    // the next step has 3 of 10 seconds before a later step starts: too few, no sample
    s.addSecond(T0 + 10, 1);
    s.addSecond(T0 + 11, 1);
    s.addSecond(T0 + 12, 1);
    assertThat(s.addSecond(T0 + 25, 1)).isNull();
  }

  @Test
  void survivesAHole_andForecastsAgainAfterIt() {
    HorizonStream s = stream(Horizon.DEFAULT);
    Random random = new Random(1);
    long t = T0;
    for (; t < T0 + 1800; t++) {
      double[] step = s.addSecond(t, 1 + random.nextDouble());
      s.feedBlocks((long) step[0], step[1]);
      s.observe((long) step[0], step[1]);
    }
    assertThat(s.latest()).isNotNull();
    assertThat(s.latest().selection()).hasValueSatisfying(why -> assertThat(why).contains("no LSTM model yet"));
    t += 600; // a 10-minute hole
    for (long end = t + 1800; t < end; t++) {
      double[] step = s.addSecond(t, 1 + random.nextDouble());
      s.feedBlocks((long) step[0], step[1]);
      s.observe((long) step[0], step[1]);
    }
    assertThat(s.latest()).isNotNull();
    assertThat(s.latest().origin().getEpochSecond()).isEqualTo(t - 1);
  }
}
