package dev.umbra.shadow.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.manager.Decision.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PolicyTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
  private static final long MIB = 1 << 20;

  /** confidence 0.95, threshold 0.1, headroom 10 %, band 20 %, cooldown 30 s, step x2, 0.1..4 cores. */
  private static Policy cpu(double confidence, double threshold) {
    return new Policy(confidence, threshold, 0.1, 0.2, Duration.ofSeconds(30), 2.0, 0.1, 4);
  }

  private static Policy.Inputs inputs(double current, double usage, QuantileForecast f, Optional<Instant> lastChange) {
    return new Policy.Inputs(false, OptionalDouble.of(current), usage, f, 0, NOW, lastChange);
  }

  /** Peak forecast: median 1.0 core, p90 1.4, p95 1.6, p99 1.8. */
  private static final QuantileForecast RISING = Forecasts.peak("cpu.process", 0.6, 1.0, 1.4, 1.6, 1.8);

  @Nested
  class ScaleUp {
    @Test
    void provisionsThePeakAtTheConfidencePlusHeadroom_beforeUsageReachesTheLimit() {
      Policy.Plan plan = cpu(0.95, 0.1).plan(inputs(1.0, 0.5, RISING, Optional.empty()), "cores");

      assertThat(plan.action()).isEqualTo(Action.SCALE_UP);
      assertThat(plan.predicted()).isCloseTo(1.6, within(1e-9));
      assertThat(plan.desired()).isCloseTo(1.76, within(1e-9)); // 1.6 * 1.1
      assertThat(plan.probability()).isCloseTo(0.5, within(1e-9)); // current 1.0 is the median peak
      assertThat(plan.reason()).contains("peak p95 over 10 s = 1.600 cores").contains("1.000 cores -> 1.760 cores");
    }

    @Test
    void higherConfidence_provisionsMore() {
      double p90 = cpu(0.90, 0.1).plan(inputs(1.0, 0.5, RISING, Optional.empty()), "cores").desired();
      double p99 = cpu(0.99, 0.1).plan(inputs(1.0, 0.5, RISING, Optional.empty()), "cores").desired();

      assertThat(p90).isCloseTo(1.54, within(1e-9));
      assertThat(p99).isCloseTo(1.98, within(1e-9));
    }

    @Test
    void holds_whenTheProbabilityOfExceedingIsBelowTheThreshold() {
      // current 1.5: the p95 peak (1.6 * 1.1) is above it, but P(peak > 1.5) = 0.075 < 0.2
      Policy.Plan plan = cpu(0.95, 0.2).plan(inputs(1.5, 0.5, RISING, Optional.empty()), "cores");

      assertThat(plan.action()).isEqualTo(Action.HOLD);
      assertThat(plan.probability()).isCloseTo(0.075, within(1e-9));
      assertThat(plan.reason()).contains("< threshold 0.2");
      assertThat(plan.desired()).isEqualTo(1.5);
    }

    @Test
    void cpuIsNeverPlannedBelowWhatIsUsedNow_evenWhenTheForecastSaysLess() {
      // a periodic forecast a few seconds out of phase: 0.65 cores over the lead, 0.83 in use
      QuantileForecast outOfPhase = Forecasts.peak("cpu.process", 0.5, 0.6, 0.62, 0.65, 0.7);
      Policy.Plan hold = cpu(0.95, 0.1).plan(inputs(1.07, 0.83, outOfPhase, Optional.empty()), "cores");
      Policy.Plan down = cpu(0.95, 0.1).plan(inputs(1.5, 0.83, outOfPhase, Optional.empty()), "cores");

      assertThat(hold.action()).isEqualTo(Action.HOLD); // 0.83 * 1.1 = 0.913 is within the band of 1.07
      assertThat(hold.reason()).contains("but it uses 0.830 cores now");
      assertThat(down.action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(down.desired()).isCloseTo(0.913, within(1e-9));
    }

    @Test
    void aSaturatedPrimaryGetsMore_evenWhenItsCensoredForecastSaysNo() {
      QuantileForecast flat = Forecasts.peak("cpu.process", 0.4, 0.45, 0.48, 0.49, 0.5);

      Policy.Plan plan = cpu(0.95, 0.9).plan(inputs(0.5, 0.5, flat, Optional.empty()), "cores");

      assertThat(plan.action()).isEqualTo(Action.SCALE_UP);
      assertThat(plan.desired()).isCloseTo(0.75, within(1e-9));
      assertThat(plan.reason()).contains("saturated");
    }

    @Test
    void withoutAForecast_aSaturatedPrimaryStillGetsMore_andOtherwiseItHolds() {
      Policy policy = cpu(0.95, 0.1);

      Policy.Plan saturated = policy.planWithoutForecast(false, OptionalDouble.of(0.3), 0.3, "not ready: x", "cores");
      Policy.Plan idle = policy.planWithoutForecast(false, OptionalDouble.of(0.3), 0.2, "not ready: x", "cores");
      Policy.Plan atMax = policy.planWithoutForecast(false, OptionalDouble.of(4.0), 4.0, "not ready: x", "cores");

      assertThat(saturated.action()).isEqualTo(Action.SCALE_UP);
      assertThat(saturated.desired()).isCloseTo(0.45, within(1e-9));
      assertThat(saturated.reason()).startsWith("not ready: x").contains("saturated");
      assertThat(idle.action()).isEqualTo(Action.HOLD);
      assertThat(idle.desired()).isEqualTo(0.3);
      assertThat(atMax.action()).isEqualTo(Action.HOLD);
      assertThat(atMax.reason()).contains("already at the maximum");
    }

    @Test
    void aJvmsMemoryForecast_isCappedAtTheMostItCanUse_butNeverBelowUsage() {
      Policy memory = new Policy(0.95, 0.1, 0.1, 0.2, Duration.ofSeconds(30), 2.0, 32 * MIB, 4096 * MIB);
      QuantileForecast growing = Forecasts.peak("mem.rss", 500 * MIB, 600 * MIB, 700 * MIB, 770 * MIB, 800 * MIB);

      Policy.Plan capped = memory.plan(new Policy.Inputs(true, OptionalDouble.of(640 * MIB), 400 * MIB, growing, 0, NOW,
          Optional.empty(), 560 * MIB), "bytes");
      Policy.Plan busy = memory.plan(new Policy.Inputs(true, OptionalDouble.of(1024 * MIB), 600 * MIB, growing, 0, NOW,
          Optional.empty(), 560 * MIB), "bytes");

      assertThat(capped.predicted()).isEqualTo(560.0 * MIB);
      assertThat(capped.action()).isEqualTo(Action.HOLD); // 616 MiB is within the band of 640
      assertThat(capped.reason()).contains("more than the most it can use");
      assertThat(busy.action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(busy.desired()).isCloseTo(630.0 * MIB, within(1.0)); // usage + 5 % wins over the cap
    }

    @Test
    void withoutAForecast_memoryNearItsLimit_isRaisedAboveUsage() {
      Policy memory = new Policy(0.95, 0.1, 0.1, 0.2, Duration.ofSeconds(30), 2.0, 32 * MIB, 4096 * MIB);

      Policy.Plan plan = memory.planWithoutForecast(true, OptionalDouble.of(320 * MIB), 310 * MIB, "not ready", "bytes");

      assertThat(plan.action()).isEqualTo(Action.SCALE_UP);
      assertThat(plan.desired()).isEqualTo(480.0 * MIB);
    }

    @Test
    void oneStepAtMostDoublesTheAllocation() {
      Policy.Plan plan = cpu(0.95, 0.1).plan(inputs(0.5, 0.3, RISING, Optional.empty()), "cores");

      assertThat(plan.desired()).isEqualTo(1.0);
      assertThat(plan.reason()).contains("step limit x2.0");
    }

    @Test
    void neverAboveTheMaximum() {
      QuantileForecast huge = Forecasts.peak("cpu.process", 5, 6, 7, 8, 9);

      Policy.Plan plan = cpu(0.95, 0.1).plan(inputs(3.0, 2, huge, Optional.empty()), "cores");

      assertThat(plan.desired()).isEqualTo(4.0);
    }
  }

  @Nested
  class Hysteresis {
    @Test
    void holds_whenTheNeedIsInsideTheBand() {
      // need 1.6 * 1.1 = 1.76; current 2.0 is only 12 % above: inside the 20 % band
      Policy.Plan plan = cpu(0.95, 0.1).plan(inputs(2.0, 0.5, RISING, Optional.empty()), "cores");

      assertThat(plan.action()).isEqualTo(Action.HOLD);
      assertThat(plan.reason()).contains("within the band");
    }

    @Test
    void ignoresTinyIncreases() {
      // need 1.76 is 3 % above 1.71: not worth an actuation
      Policy.Plan plan = cpu(0.95, 0.1).plan(inputs(1.71, 0.5, RISING, Optional.empty()), "cores");

      assertThat(plan.action()).isEqualTo(Action.HOLD);
    }

    @Test
    void scalesDown_onlyOnceTheCooldownHasPassed() {
      Policy policy = cpu(0.95, 0.1);

      Policy.Plan early = policy.plan(inputs(3.0, 0.5, RISING, Optional.of(NOW.minusSeconds(10))), "cores");
      Policy.Plan late = policy.plan(inputs(3.0, 0.5, RISING, Optional.of(NOW.minusSeconds(30))), "cores");

      assertThat(early.action()).isEqualTo(Action.HOLD);
      assertThat(early.reason()).contains("cooldown has 20 s left");
      assertThat(late.action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(late.desired()).isCloseTo(1.76, within(1e-9));
    }

    @Test
    void aScaleDownAtMostHalvesTheAllocation_andNeverGoesBelowTheMinimum() {
      QuantileForecast idle = Forecasts.peak("cpu.process", 0.001, 0.002, 0.003, 0.004, 0.005);
      Policy policy = cpu(0.95, 0.1);

      assertThat(policy.plan(inputs(3.0, 0.0, idle, Optional.empty()), "cores").desired()).isEqualTo(1.5);
      assertThat(policy.plan(inputs(0.15, 0.0, idle, Optional.empty()), "cores").desired()).isEqualTo(0.1);
    }
  }

  @Nested
  class Memory {
    private final Policy memory = new Policy(0.95, 0.1, 0.1, 0.2, Duration.ofSeconds(30), 2.0, 32 * MIB, 1024 * MIB);

    @Test
    void neverBelowCurrentUsage_evenWhenTheForecastIsLower() {
      QuantileForecast low = Forecasts.peak("mem.rss", 50 * MIB, 60 * MIB, 70 * MIB, 80 * MIB, 90 * MIB);
      Policy.Inputs in = new Policy.Inputs(true, OptionalDouble.of(400 * MIB), 300 * MIB, low, 0, NOW, Optional.empty());

      Policy.Plan plan = memory.plan(in, "bytes");

      assertThat(plan.action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(plan.desired()).isCloseTo(315.0 * MIB, within(1.0)); // usage + 5 %
    }

    @Test
    void theJvmsNeedIsAFloorUnderTheForecast() {
      QuantileForecast low = Forecasts.peak("mem.rss", 50 * MIB, 60 * MIB, 70 * MIB, 80 * MIB, 90 * MIB);
      Policy.Inputs in = new Policy.Inputs(true, OptionalDouble.of(400 * MIB), 100 * MIB, low, 200 * MIB, NOW, Optional.empty());

      assertThat(memory.plan(in, "bytes").desired()).isCloseTo(220.0 * MIB, within(1.0));
    }

    @Test
    void refused_whenUsageLeavesNoRoomUnderTheMaximum() {
      QuantileForecast any = Forecasts.peak("mem.rss", 50 * MIB, 60 * MIB, 70 * MIB, 80 * MIB, 90 * MIB);
      Policy.Inputs in = new Policy.Inputs(true, OptionalDouble.of(1024 * MIB), 1000 * MIB, any, 0, NOW, Optional.empty());

      Policy.Plan plan = memory.plan(in, "bytes");

      assertThat(plan.action()).isEqualTo(Action.REFUSED);
      assertThat(plan.reason()).contains("manage-memory-max").contains("nothing applied");
    }

    @Test
    void setsALimit_whereNoneIsSet() {
      QuantileForecast f = Forecasts.peak("mem.rss", 50 * MIB, 60 * MIB, 70 * MIB, 80 * MIB, 90 * MIB);
      Policy.Inputs in = new Policy.Inputs(true, OptionalDouble.empty(), 60 * MIB, f, 0, NOW, Optional.empty());

      Policy.Plan plan = memory.plan(in, "bytes");

      assertThat(plan.action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(plan.desired()).isCloseTo(88.0 * MIB, within(1.0));
      assertThat(plan.reason()).contains("no limit is set");
    }
  }
}
