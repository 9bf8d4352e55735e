package dev.umbra.shadow.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.manager.Decision.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CpuDeciderTest {
  /** p95, threshold 0.1, headroom 10 %, band 20 %, cooldown 30 s, step x2, 0.05..4 cores. */
  private final CpuDecider cpu = new CpuDecider(new Policy(0.95, 0.1, 0.1, 0.2, Duration.ofSeconds(30), 2.0, 0.05, 4));

  @Test
  void provisionsTheForecastPeakPlusHeadroom_beforeTheDemandArrives() {
    Policy.Plan plan = cpu.decide(Demands.of(1.0, 0.5, Forecasts.peak("cpu.process", 0.6, 1.0, 1.4, 1.6, 1.8), 0));

    assertThat(plan.action()).isEqualTo(Action.SCALE_UP);
    assertThat(plan.desired()).isCloseTo(1.76, within(1e-9));
    assertThat(plan.reason()).contains("peak p95 over 10 s = 1.600 cores").contains("1.000 cores -> 1.760 cores");
  }

  @Test
  void neverPlansBelowWhatThePrimaryUsesNow_whateverTheForecastSays() {
    Policy.Plan plan = cpu.decide(Demands.of(1.0, 0.9, Forecasts.peak("cpu.process", 0.1, 0.2, 0.3, 0.4, 0.5), 60));

    assertThat(plan.action()).isEqualTo(Action.HOLD); // 0.95 * 1.1 is is within the band of 1.0
    assertThat(plan.reason()).contains("but it uses 0.900 cores now");
  }

  @Test
  void scalesDown_afterTheCooldown_byAtMostTheStep() {
    Policy.Plan waiting = cpu.decide(Demands.of(2.0, 0.2, Forecasts.peak("cpu.process", 0.2, 0.3, 0.4, 0.45, 0.5), 10));
    Policy.Plan down = cpu.decide(Demands.of(2.0, 0.2, Forecasts.peak("cpu.process", 0.2, 0.3, 0.4, 0.45, 0.5), 30));

    assertThat(waiting.action()).isEqualTo(Action.HOLD);
    assertThat(waiting.reason()).contains("the cooldown has 20 s left");
    assertThat(down.action()).isEqualTo(Action.SCALE_DOWN);
    assertThat(down.desired()).isEqualTo(1.0); // wanted 0.495, the step halves at most
  }

  @Test
  void withoutAForecast_holds_unlessThePrimaryIsHeldAtItsQuota() {
    Policy.Plan idle = cpu.decide(Demands.withoutForecast(1.0, 0.3, "forecast of cpu.process not ready: 3 s"));
    Policy.Plan saturated = cpu.decide(Demands.withoutForecast(0.3, 0.3, "forecast of cpu.process not ready: 3 s"));

    assertThat(idle.action()).isEqualTo(Action.HOLD);
    assertThat(idle.reason()).isEqualTo("forecast of cpu.process not ready: 3 s");
    assertThat(saturated.action()).isEqualTo(Action.SCALE_UP);
    assertThat(saturated.desired()).isCloseTo(0.45, within(1e-9));
    assertThat(saturated.reason()).startsWith("forecast of cpu.process not ready").contains("saturated");
  }
}
