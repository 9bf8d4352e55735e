package dev.umbra.shadow.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoPlanTest {
  @ParameterizedTest
  @ValueSource(longs = {90, 100, 120, 600})
  void phasesRunBackToBack_warmUpOutlastsTheDetectorsLearning_andTheFaultLeavesAThirdOfTheRun(long seconds) {
    DemoPlan plan = DemoPlan.of(seconds);

    assertThat(plan.phases()).extracting(DemoPlan.Phase::name).containsExactly("warm-up", "rising", "io", "fault");
    List<DemoPlan.Phase> p = plan.phases();
    assertThat(p.get(0).fromSecond()).isZero();
    for (int i = 1; i < p.size(); i++) {
      assertThat(p.get(i).fromSecond()).isEqualTo(p.get(i - 1).toSecond());
      assertThat(p.get(i).seconds()).isPositive();
    }
    assertThat(p.get(p.size() - 1).toSecond()).isEqualTo(seconds);
    assertThat(p.get(0).seconds()).isGreaterThanOrEqualTo(30);
    assertThat(plan.named("fault").orElseThrow().seconds()).isGreaterThanOrEqualTo(seconds / 3);
  }

  @Test
  void theTwoMinuteRun_hasTheFaultAtEightySeconds() {
    DemoPlan plan = DemoPlan.of(120);

    assertThat(plan.at(0).name()).isEqualTo("warm-up");
    assertThat(plan.at(29.9).name()).isEqualTo("warm-up");
    assertThat(plan.at(30).name()).isEqualTo("rising");
    assertThat(plan.at(79.9).name()).isEqualTo("io");
    assertThat(plan.at(80).name()).isEqualTo("fault");
    assertThat(plan.at(500).name()).isEqualTo("fault");
  }

  @Test
  void refusesARunTooShortForTheDetectorToLearn() {
    assertThatThrownBy(() -> DemoPlan.of(60)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 90 s");
  }
}
