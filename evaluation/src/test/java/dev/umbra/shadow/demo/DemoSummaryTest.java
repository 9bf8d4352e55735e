package dev.umbra.shadow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.manager.Decision;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {
  private static Decision up(double probability, String reason) {
    return new Decision(1, "p", Decision.Resource.MEMORY, Instant.EPOCH, Decision.Action.SCALE_UP, 100, 150, 120,
        probability, 90, "cgroup", true, "pid 1", "vpa", reason);
  }

  @Test
  void saysWhatLetAScaleUpThroughTheGate_withItsProbability() {
    assertThat(DemoSummary.gate(up(0.23, "peak p95 over 10 s = 120.0 MiB, P(demand > 100.0 MiB) = 0.23 >= 0.1: 100.0 MiB -> 150.0 MiB")))
        .isEqualTo("P(demand > limit) = 0.23 (through the gate)");
    assertThat(DemoSummary.gate(up(0.0, "peak p95 over 10 s = 90.0 MiB, need 130.0 MiB, P(demand > 100.0 MiB) = 0.00, below the need: x")))
        .isEqualTo("P(demand > limit) = 0.00 (below the JVM's need)");
    assertThat(DemoSummary.gate(up(0.05, "peak p95 over 10 s = 96.0 MiB, P(demand > 100.0 MiB) = 0.05, saturated (usage 97.0 MiB): x")))
        .isEqualTo("P(demand > limit) = 0.05 (saturated)");
    assertThat(DemoSummary.gate(up(Double.NaN, "forecast of mem.rss not ready: x; saturated (usage 97.0 MiB >= 95 % of the limit): x")))
        .isEqualTo("P(demand > limit) unknown (no forecast yet) (saturated)");
  }
}
