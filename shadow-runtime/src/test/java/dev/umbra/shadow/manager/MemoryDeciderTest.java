package dev.umbra.shadow.manager;

import static dev.umbra.shadow.manager.Demands.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.manager.Decision.Action;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemoryDeciderTest {
  /** p95, threshold 0.1, headroom 10 %, band 20 %, cooldown 30 s, step x2, 32 MiB..4 GiB; reacts in 12 s. */
  private final MemoryDecider memory = new MemoryDecider(
      new Policy(0.95, 0.1, 0.1, 0.2, Duration.ofSeconds(30), 2.0, 32 * MIB, 4096 * MIB), 12);
  private static final QuantileForecast STEADY_300 =
      Forecasts.peak("mem.rss", 280 * MIB, 300 * MIB, 310 * MIB, 320 * MIB, 330 * MIB);

  private static double[] constant(int seconds, double value) {
    double[] v = new double[seconds];
    Arrays.fill(v, value);
    return v;
  }

  private static MemoryDecider.Input input(Demand d, double[] rssHistory, Optional<JvmMemory> jvm, long maxHeap) {
    return new MemoryDecider.Input(d, rssHistory, constant(MemoryDecider.GROWTH_WINDOW, d.usage()), jvm, maxHeap);
  }

  @Test
  void keepsRoomForTheLargestRiseOfTheRss_withinTheReactionTime_andRaisesALimitBelowIt() {
    // RSS 200 MiB now; 5 minutes ago it jumped 150 MiB within 3 s (a live set growing at once)
    double[] rss = constant(600, 200 * MIB);
    for (int i = 300; i < 320; i++) {
      rss[i] = (i < 303 ? 200 + 50 * (i - 299) : 350) * MIB;
    }
    JvmMemory jvm = new JvmMemory(60 * MIB, 50 * MIB, 90 * MIB, 140 * MIB, 200 * MIB);
    Demand d = Demands.of(256 * MIB, 200 * MIB,
        Forecasts.peak("mem.rss", 190 * MIB, 200 * MIB, 200 * MIB, 200 * MIB, 205 * MIB), 0);

    Policy.Plan plan = memory.decide(input(d, rss, Optional.of(jvm), 512 * MIB));

    assertThat(plan.action()).isEqualTo(Action.SCALE_UP); // P(RSS peak > 256 MiB) is 0: the need decides
    assertThat(plan.desired()).isCloseTo(385.0 * MIB, within(1.0)); // (200 + 150) * 1.1
    assertThat(plan.reason()).contains("below the need")
        .contains("[JVM: live set 60.0 MiB, off-heap 50.0 MiB, room for growth 150.0 MiB (the largest rise of the RSS "
            + "within 12 s in the last 600 s)]");
  }

  @Test
  void aJvmsForecastIsCappedAtMaxHeapSizePlusOffHeap() {
    JvmMemory jvm = new JvmMemory(60 * MIB, 50 * MIB, 90 * MIB, 140 * MIB, 140 * MIB);
    Demand d = Demands.of(256 * MIB, 140 * MIB,
        Forecasts.peak("mem.rss", 500 * MIB, 800 * MIB, 900 * MIB, 1000 * MIB, 1100 * MIB), 0);

    Policy.Plan plan = memory.decide(input(d, constant(600, 140 * MIB), Optional.of(jvm), 100 * MIB));

    assertThat(plan.predicted()).isEqualTo(150.0 * MIB);
    assertThat(plan.reason()).contains("(forecast 1000.0 MiB, more than the most it can use)");
  }

  @Test
  void neverGoesBelowUsagePlusFivePercent_whateverTheForecast() {
    Demand d = Demands.of(1024 * MIB, 600 * MIB, STEADY_300, 60);

    Policy.Plan plan = memory.decide(input(d, constant(600, 600 * MIB), Optional.empty(), 0));

    assertThat(plan.action()).isEqualTo(Action.SCALE_DOWN);
    assertThat(plan.desired()).isEqualTo(630.0 * MIB);
  }

  @Test
  void holdsAScaleDown_whileTheRssGrows() {
    double[] rising = new double[MemoryDecider.GROWTH_WINDOW];
    for (int i = 0; i < rising.length; i++) {
      rising[i] = (250 + 2 * i) * MIB;
    }
    Demand d = Demands.of(1024 * MIB, 300 * MIB, STEADY_300, 60);

    Policy.Plan held = memory.decide(new MemoryDecider.Input(d, constant(600, 300 * MIB), rising, Optional.empty(), 0));
    Policy.Plan steady = memory.decide(input(d, constant(600, 300 * MIB), Optional.empty(), 0));

    assertThat(held.action()).isEqualTo(Action.HOLD);
    assertThat(held.desired()).isEqualTo(1024.0 * MIB);
    assertThat(held.reason()).startsWith("would scale down (")
        .endsWith("but the RSS is still growing: 268.0 MiB -> 308.0 MiB in 30 s");
    assertThat(steady.action()).isEqualTo(Action.SCALE_DOWN);
  }

  @Test
  void withoutAForecast_holds_orRaisesASaturatedLimitToAboveUsage() {
    Policy.Plan idle = memory.decide(input(Demands.withoutForecast(1024 * MIB, 300 * MIB, "not ready"),
        constant(600, 300 * MIB), Optional.empty(), 0));
    Policy.Plan saturated = memory.decide(input(Demands.withoutForecast(300 * MIB, 299 * MIB, "not ready"),
        constant(600, 299 * MIB), Optional.empty(), 0));

    assertThat(idle.action()).isEqualTo(Action.HOLD);
    assertThat(idle.reason()).isEqualTo("not ready");
    assertThat(saturated.action()).isEqualTo(Action.SCALE_UP);
    assertThat(saturated.desired()).isEqualTo(450.0 * MIB);
  }

  @Test
  void rejectsANegativeReactionTime() {
    Policy policy = new Policy(0.95, 0.1, 0.1, 0.2, Duration.ofSeconds(30), 2.0, 32 * MIB, 4096 * MIB);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MemoryDecider(policy, -1))
        .hasMessage("reactionSeconds must be >= 0, was -1");
  }
}
