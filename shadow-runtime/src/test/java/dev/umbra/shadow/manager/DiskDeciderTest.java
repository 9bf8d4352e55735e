package dev.umbra.shadow.manager;

import static dev.umbra.shadow.manager.Demands.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.manager.Decision.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Disk bandwidth (manage-io): decided as CPU is, from io.disk.read and io.disk.write, never below the floor. */
class DiskDeciderTest {
  /** p95, threshold 0.1, headroom 10 %, band 20 %, cooldown 30 s, step x2, floor 32 MiB/s, no ceiling to speak of. */
  private final DiskDecider disk =
      new DiskDecider(new Policy(0.95, 0.1, 0.1, 0.2, Duration.ofSeconds(30), 2.0, 32 * MIB, 1L << 40));

  @Test
  void setsTheForecastPeakPlusHeadroom_whereNoLimitIsSet() {
    Policy.Plan plan = disk.decide(Demands.unlimited(40.0 * MIB,
        Forecasts.peak("io.disk.write", 30.0 * MIB, 45.0 * MIB, 55.0 * MIB, 60.0 * MIB, 80.0 * MIB)));

    assertThat(plan.action()).isEqualTo(Action.SCALE_DOWN);
    assertThat(plan.desired()).isCloseTo(66.0 * MIB, within(1.0));
    assertThat(plan.reason()).contains("peak p95 over 10 s = 60.0 MiB/s").contains("no limit is set, setting 66.0 MiB/s");
  }

  @Test
  void neverGoesBelowTheFloor_soAThrottleCannotStarveThePrimary() {
    var quiet = Forecasts.peak("io.disk.read", 0.1 * MIB, 0.5 * MIB, 1.0 * MIB, 2.0 * MIB, 3.0 * MIB);

    Policy.Plan first = disk.decide(Demands.of(100.0 * MIB, 0.5 * MIB, quiet, 30));
    Policy.Plan second = disk.decide(Demands.of(50.0 * MIB, 0.5 * MIB, quiet, 30));

    assertThat(first.action()).isEqualTo(Action.SCALE_DOWN);
    assertThat(first.desired()).as("2.2 MiB/s wanted, the floor is 32 MiB/s").isEqualTo(50.0 * MIB);
    assertThat(first.reason()).contains("step limit /2.0, wanted 32.0 MiB/s").doesNotContain("manage-io-min");
    assertThat(second.desired()).isEqualTo(32.0 * MIB);
    assertThat(second.reason()).endsWith("(the floor manage-io-min)");
  }

  @Test
  void raisesALimitThePrimaryIsHeldAt_evenWhenTheForecastSaysNoMore() {
    // at its limit, the primary's usage (and so its forecast) is censored: it gets x1.5
    Policy.Plan plan = disk.decide(Demands.of(40.0 * MIB, 40.0 * MIB,
        Forecasts.peak("io.disk.write", 38.0 * MIB, 39.0 * MIB, 40.0 * MIB, 40.0 * MIB, 40.0 * MIB), 0));

    assertThat(plan.action()).isEqualTo(Action.SCALE_UP);
    assertThat(plan.desired()).isEqualTo(60.0 * MIB);
    assertThat(plan.reason()).contains("saturated (usage 40.0 MiB/s)");
  }

  @Test
  void holds_whileNoForecastIsReady_withoutMentioningTheFloor() {
    Policy.Plan plan = disk.decide(Demands.withoutForecast(32.0 * MIB, MIB, "forecast of io.disk.read not ready"));

    assertThat(plan.action()).isEqualTo(Action.HOLD);
    assertThat(plan.reason()).isEqualTo("forecast of io.disk.read not ready");
  }
}
