package dev.umbra.shadow.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.FleetEvent;
import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.manager.Decision;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The resource manager's decisions reach {@code umbra.events.v1} as wire decisions, keyed by workload. */
class DecisionEventsTest {
  private final MutableClock clock = MutableClock.at("2027-01-01T00:00:00Z");
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final Outbox outbox = new Outbox(producer, 1 << 20, 1 << 20, new FleetMetrics(new PrometheusRegistry()));

  @AfterEach
  void close() {
    outbox.close(Duration.ofSeconds(1));
  }

  @Test
  void aDecision_isPublishedAsItsWireForm_underItsPrimarysWorkload() throws Exception {
    EventPublisher events = new EventPublisher(outbox, "shadow-a", primary -> Optional.of("wl"), clock);

    events.decisions().accept(new Decision(7, "p1", Decision.Resource.CPU, Instant.parse("2027-01-01T00:00:00Z"),
        Decision.Action.SCALE_UP, 1, 1.5, 1.3, 0.95, 1.1, "cgroup", true, "cgroup v1 /umbra-app", "lstm", "forecast peak"));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (producer.history().isEmpty()) {
      assertThat(System.nanoTime()).as("a record within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
    ProducerRecord<String, byte[]> record = producer.history().get(0);
    assertThat(record.topic()).isEqualTo(Topics.EVENTS);
    assertThat(record.key()).isEqualTo("wl");
    FleetEvent e = FleetEvent.parseFrom(record.value());
    assertThat(e.getShadow()).isEqualTo("shadow-a");
    assertThat(e.getPrimaryId()).isEqualTo("p1");
    assertThat(e.getDecision().getPrimaryId()).isEqualTo("p1");
    assertThat(e.getDecision().getModel()).isEqualTo("lstm");
    assertThat(e.getDecision().getApplied()).isTrue();
  }
}
