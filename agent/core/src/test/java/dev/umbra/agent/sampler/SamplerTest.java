package dev.umbra.agent.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.bootstrap.IoCounters;
import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.telemetry.AgentEvent;
import dev.umbra.agent.telemetry.Batch;
import dev.umbra.agent.telemetry.BatchBuffer;
import dev.umbra.agent.telemetry.Point;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SamplerTest {
  private final BatchBuffer buffer = new BatchBuffer(10);
  private final Sampler sampler = new Sampler(Sampling.preset(Criticality.NORMAL), Clock.systemUTC(), buffer,
      Optional.empty(), 8);

  @Test
  void emitsEveryCanonicalSeriesOncePerGaugeTick_withoutLabels() throws Exception {
    sampler.gauges();
    Thread.sleep(50);
    IoCounters.file(IoCounters.FILE_WRITE, "/sampler-test", 1_000_000, IoCounters.start());
    sampler.gauges();
    sampler.closeBatch();

    Batch batch = buffer.take().orElseThrow().batch();
    Map<String, List<Point>> bySeries = batch.points().stream().filter(p -> p.labels().isEmpty())
        .collect(Collectors.groupingBy(Point::series));
    assertThat(bySeries.keySet()).containsAll(CanonicalSeries.ALL);
    assertThat(CanonicalSeries.ALL).allSatisfy(s -> assertThat(bySeries.get(s)).as(s).hasSize(2));
    Point heap = bySeries.get(CanonicalSeries.HEAP_USED).get(1);
    assertThat(heap.value()).isPositive();
    assertThat(bySeries.get(CanonicalSeries.RSS).get(1).value()).isGreaterThan(heap.value() / 100);
    assertThat(bySeries.get(CanonicalSeries.THREADS_LIVE).get(1).value()).isGreaterThanOrEqualTo(1);
    // 1 MB written within roughly 50 ms: a rate well above 1 MB/s, and only in the second tick
    assertThat(bySeries.get(CanonicalSeries.DISK_WRITE).get(0).value()).isZero();
    assertThat(bySeries.get(CanonicalSeries.DISK_WRITE).get(1).value()).isGreaterThan(1_000_000);
    assertThat(batch.events()).anySatisfy(e -> {
      assertThat(e).isInstanceOf(AgentEvent.Io.class);
      assertThat(((AgentEvent.Io) e).endpoints()).anySatisfy(x -> {
        assertThat(x.endpoint()).isEqualTo("/sampler-test");
        assertThat(x.bytes()).isEqualTo(1_000_000);
      });
    });
    assertThat(batch.sequence()).isEqualTo(1);
    assertThat(sampler.nextSequence()).isEqualTo(2);
  }

  @Test
  void closesNoBatch_whenNothingWasSampled() {
    sampler.closeBatch();

    assertThat(buffer.size()).isZero();
  }
}
