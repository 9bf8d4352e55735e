package dev.umbra.shadow.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.shadow.action.ActionPolicy.Action;
import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.anomaly.Kind;
import dev.umbra.shadow.anomaly.TestAnomaly;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ActionPolicyTest {
  private final ActionPolicy defaults = ActionPolicy.defaults();

  private static Anomaly anomaly(String series, Kind kind, double score, double observed, String... related) {
    return TestAnomaly.newBuilder().setId("a1").setPrimaryId("p1").setSeries(series).setKind(kind).setScore(score)
        .setObserved(observed).setExpectedLow(0.1).setExpectedHigh(0.3).addAllRelatedSeries(List.of(related))
        .setOnsetUnixMs(1000).setDetectedUnixMs(2000).build();
  }

  @Nested
  class TheDefaultRules {
    @Test
    void scaleUpCpu_forACpuLevelShiftAboveItsBand() {
      ActionPolicy.Choice c = defaults.choose(anomaly("cpu.process", Kind.LEVEL_SHIFT, 0.9, 1.0));

      assertThat(c.action()).isEqualTo(Action.SCALE_UP);
      assertThat(ActionPolicy.scaled(c.rule().orElseThrow(), anomaly("cpu.process", Kind.LEVEL_SHIFT, 0.9, 1.0)))
          .contains(ActionPolicy.Resource.CPU);
    }

    @Test
    void onlyAlert_forACpuFallBelowItsBand_orACpuStall() {
      assertThat(defaults.choose(anomaly("cpu.process", Kind.LEVEL_SHIFT, 0.9, 0.01)).action()).isEqualTo(Action.ALERT);
      assertThat(defaults.choose(anomaly("cpu.process", Kind.STALL, 0.9, 0.0)).action()).isEqualTo(Action.ALERT);
    }

    @Test
    void rollBack_forAThreadStorm_evenWithCpuAmongItsRelatedSeries() {
      ActionPolicy.Choice c = defaults.choose(anomaly("threads.live", Kind.LEVEL_SHIFT, 0.9, 400, "cpu.process"));

      assertThat(c.action()).isEqualTo(Action.ROLLBACK);
      assertThat(c.why()).isEqualTo("rule threads.blocked,threads.live=rollback");
    }

    @Test
    void onlyAlert_whenThreadsFallBackAfterAStorm_butRollBackOnAStall() {
      assertThat(defaults.choose(anomaly("threads.live", Kind.LEVEL_SHIFT, 0.9, 0.05)).action()).isEqualTo(Action.ALERT);
      ActionPolicy stalls = defaults.withRules(ActionPolicy.parseRules("cpu.process/stall=rollback"));
      assertThat(stalls.choose(anomaly("cpu.process", Kind.STALL, 0.9, 0.0)).action()).isEqualTo(Action.ROLLBACK);
    }

    @Test
    void rollBack_whenOnlyARelatedSeriesIsARollbackSeries() {
      assertThat(defaults.choose(anomaly("gc.pause", Kind.SPIKE, 0.9, 50, "threads.blocked")).action())
          .isEqualTo(Action.ROLLBACK);
    }

    @Test
    void onlyAlert_forOtherSeries_andForAScoreBelowTheMinimum() {
      assertThat(defaults.choose(anomaly("io.disk.write", Kind.STALL, 0.9, 0)).action()).isEqualTo(Action.ALERT);
      ActionPolicy.Choice weak = defaults.choose(anomaly("threads.live", Kind.LEVEL_SHIFT, 0.49, 400));
      assertThat(weak.action()).isEqualTo(Action.ALERT);
      assertThat(weak.why()).contains("score 0.49 is below act-min-score 0.5");
    }
  }

  @Nested
  class RunAndDemo {
    @Test
    void rollBackOnEveryAnomaly_whenNoSeriesAreNamed() {
      ActionPolicy any = ActionPolicy.rollbackOn(java.util.Set.of(), 0.5, java.time.Duration.ofSeconds(30));

      assertThat(any.choose(anomaly("io.disk.write", Kind.STALL, 0.5, 0)).action()).isEqualTo(Action.ROLLBACK);
    }

    @Test
    void rollBackOnlyOnAnomaliesInvolvingANamedSeries_asLeadOrRelated() {
      ActionPolicy threads = ActionPolicy.rollbackOn(java.util.Set.of("threads.live", "threads.blocked"), 0.5,
          java.time.Duration.ofSeconds(30));

      assertThat(threads.choose(anomaly("threads.live", Kind.LEVEL_SHIFT, 0.9, 400)).action()).isEqualTo(Action.ROLLBACK);
      assertThat(threads.choose(anomaly("cpu.process", Kind.SPIKE, 0.9, 2, "mem.heap.used", "threads.blocked")).action())
          .isEqualTo(Action.ROLLBACK);
      assertThat(threads.choose(anomaly("io.disk.write", Kind.SPIKE, 0.9, 2, "io.net.rx")).action()).isEqualTo(Action.ALERT);
    }
  }

  @Nested
  class Rules {
    @Test
    void parse_seriesKindsAndActions_andPrintTheSameWay() {
      List<ActionPolicy.Rule> rules = ActionPolicy.parseRules("mem.rss/trend,level-shift=scale-up; *=rollback");

      assertThat(rules).hasSize(2);
      assertThat(rules.get(0).kinds()).containsExactlyInAnyOrder(Kind.TREND, Kind.LEVEL_SHIFT);
      assertThat(defaults.withRules(rules).rulesText()).isEqualTo("mem.rss/level-shift,trend=scale-up; *=rollback");
      assertThat(defaults.rulesText()).isEqualTo(
          "cpu.process/spike,level-shift,trend=scale-up; threads.blocked,threads.live=rollback; *=alert");
    }

    @Test
    void aMemoryScaleUp_changesMemory_andAScaleUpOfASeriesWithoutResource_isOnlyAnAlert() {
      ActionPolicy memory = defaults.withRules(ActionPolicy.parseRules("mem.rss=scale-up; io.net.rx=scale-up"));

      ActionPolicy.Choice c = memory.choose(anomaly("mem.rss", Kind.TREND, 0.8, 900));
      assertThat(c.action()).isEqualTo(Action.SCALE_UP);
      assertThat(ActionPolicy.scaled(c.rule().orElseThrow(), anomaly("mem.rss", Kind.TREND, 0.8, 900)))
          .contains(ActionPolicy.Resource.MEMORY);
      assertThat(memory.choose(anomaly("io.net.rx", Kind.SPIKE, 0.8, 900)).action()).isEqualTo(Action.ALERT);
    }

    @Test
    void theLeadSeriesWins_overAnEarlierRuleForARelatedSeries() {
      ActionPolicy p = defaults.withRules(ActionPolicy.parseRules("threads.live=rollback; cpu.process=scale-up"));

      assertThat(p.choose(anomaly("cpu.process", Kind.SPIKE, 0.9, 1.0, "threads.live")).action()).isEqualTo(Action.SCALE_UP);
    }

    @Test
    void badRules_areRefused_namingTheRule() {
      assertThatThrownBy(() -> ActionPolicy.parseRules("cpu.process=grow")).hasMessageContaining("'grow' is not alert");
      assertThatThrownBy(() -> ActionPolicy.parseRules("cpu.process/jump=alert")).hasMessageContaining("'jump' is not spike");
      assertThatThrownBy(() -> ActionPolicy.parseRules("cpu.process")).hasMessageContaining("is not SERIES[/KINDS]=ACTION");
      assertThatThrownBy(() -> ActionPolicy.parseRules(" ; ")).hasMessageContaining("holds no rule");
      assertThatThrownBy(() -> ActionPolicy.parseRules("*,cpu.process=alert")).hasMessageContaining("mixes *");
    }
  }
}
