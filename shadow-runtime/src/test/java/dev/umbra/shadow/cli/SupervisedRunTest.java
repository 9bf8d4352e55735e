package dev.umbra.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.Anomaly;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SupervisedRunTest {
  private static Anomaly anomaly(String series, String... related) {
    return Anomaly.newBuilder().setId("p-1").setPrimaryId("p").setSeries(series).addAllRelatedSeries(java.util.List.of(related)).build();
  }

  @Test
  void everyAnomalyTriggers_whenNoSeriesAreNamed() {
    var rollback = new SupervisedRun.Rollback(Optional.empty(), Set.of());

    assertThat(rollback.triggers(anomaly("io.disk.write"))).isTrue();
  }

  @Test
  void onlyAnomaliesInvolvingANamedSeriesTrigger_asLeadOrRelated() {
    var rollback = new SupervisedRun.Rollback(Optional.empty(), Set.of("threads.live", "threads.blocked"));

    assertThat(rollback.triggers(anomaly("threads.live"))).isTrue();
    assertThat(rollback.triggers(anomaly("cpu.process", "mem.heap.used", "threads.blocked"))).isTrue();
    assertThat(rollback.triggers(anomaly("io.disk.write", "io.net.rx"))).isFalse();
  }
}
