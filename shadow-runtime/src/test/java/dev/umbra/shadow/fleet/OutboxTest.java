package dev.umbra.shadow.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxTest {
  private final FleetMetrics metrics = new FleetMetrics(new PrometheusRegistry());
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
  private Outbox outbox;

  @AfterEach
  void close() {
    if (outbox != null) {
      outbox.close(Duration.ofMillis(100));
    }
  }

  private static Outbox.Item item(String key, int bytes, long points) {
    return new Outbox.Item(Topics.SERIES, key, new byte[bytes], points, System.nanoTime());
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void countsPointsAsPublished_onlyOnceKafkaAcknowledges() throws InterruptedException {
    outbox = new Outbox(producer, 10_000, 10_000, metrics);
    outbox.offer(item("w", 100, 32));
    await(() -> producer.history().size() == 1);
    assertThat(metrics.publishedPoints.get()).isZero();
    assertThat(outbox.waitingBytes()).isPositive();

    producer.completeNext();

    assertThat(outbox.awaitDrained(Duration.ofSeconds(30))).isTrue();
    assertThat(metrics.publishedPoints.get()).isEqualTo(32);
    assertThat(metrics.droppedPoints.labelValues("buffer-full").get()).isZero();
  }

  @Test
  void dropsOldestQueuedRecords_whenWhatWaitsPassesTheBound() throws InterruptedException {
    // window of one record: the first is handed to the producer, the rest queue behind it
    outbox = new Outbox(producer, 1_000, 100, metrics);
    outbox.offer(item("first", 100, 10));
    await(() -> producer.history().size() == 1);
    for (int i = 0; i < 10; i++) {
      outbox.offer(item("k" + i, 100, 10)); // 164 bytes each with overhead
    }
    // bound 1000: in flight 164 + at most 5 queued (820) = 984
    assertThat(outbox.waitingBytes()).isLessThanOrEqualTo(1_000);
    assertThat(metrics.droppedPoints.labelValues("buffer-full").get()).isEqualTo(50);

    while (producer.completeNext() || !outbox.awaitDrained(Duration.ofMillis(50))) {
      Thread.sleep(5);
    }
    List<String> keys = producer.history().stream().map(ProducerRecord::key).toList();
    assertThat(keys).containsExactly("first", "k5", "k6", "k7", "k8", "k9");
    assertThat(metrics.publishedPoints.get()).isEqualTo(60);
  }

  @Test
  void dropsAndCountsARecordKafkaRefuses() throws InterruptedException {
    outbox = new Outbox(producer, 10_000, 10_000, metrics);
    outbox.offer(item("w", 100, 7));
    await(() -> producer.history().size() == 1);
    producer.errorNext(new RecordTooLargeException("too large"));
    assertThat(outbox.awaitDrained(Duration.ofSeconds(30))).isTrue();
    assertThat(metrics.droppedPoints.labelValues("rejected").get()).isEqualTo(7);
    assertThat(metrics.publishedPoints.get()).isZero();
  }

  @Test
  void retriesARecordKafkaCouldNotTakeYet_inItsPlace_andReportsKafkaDown() throws InterruptedException {
    outbox = new Outbox(producer, 10_000, 10_000, metrics);
    outbox.offer(item("a", 100, 1));
    outbox.offer(item("b", 100, 1));
    await(() -> producer.history().size() == 2);
    producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("no metadata"));
    assertThat(metrics.kafkaUp.get()).isZero();
    producer.completeNext(); // b
    await(() -> producer.history().size() == 3);
    producer.completeNext(); // a again
    assertThat(outbox.awaitDrained(Duration.ofSeconds(30))).isTrue();
    assertThat(producer.history().get(2).key()).isEqualTo("a");
    assertThat(metrics.publishedPoints.get()).isEqualTo(2);
    assertThat(metrics.kafkaUp.get()).isEqualTo(1);
  }

  @Test
  void neverBlocksTheCaller_whileKafkaDoesNotAnswer() {
    outbox = new Outbox(producer, 5_000, 1_000, metrics);
    for (int i = 0; i < 10_000; i++) {
      outbox.offer(item("w", 100, 1));
    }
    assertThat(outbox.waitingBytes()).isLessThanOrEqualTo(5_000);
    assertThat(metrics.droppedPoints.labelValues("buffer-full").get()).isGreaterThan(9_900);
  }
}
