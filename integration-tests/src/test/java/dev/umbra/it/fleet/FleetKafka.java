package dev.umbra.it.fleet;

import dev.umbra.proto.v1.ModelArtifact;
import dev.umbra.proto.v1.SeriesBatch;
import dev.umbra.proto.v1.SeriesColumn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the fleet topics as a test sees them: everything Kafka acknowledged so far. */
final class FleetKafka {
  static final String SERIES = "umbra.series.v1";
  static final String MODELS = "umbra.models.v1";

  private final String bootstrap;

  FleetKafka(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  private KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
  }

  /** Every record of a topic, from the beginning to the end offsets at the time of the call. */
  List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = consumer()) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(30))) {
        tps.add(new TopicPartition(topic, p.partition()));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline && tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            out.add(r);
          }
        }
      }
    }
    return out;
  }

  /** The values of one series of one primary that Kafka holds, by Unix second. */
  TreeMap<Long, Double> series(String primaryId, String series) throws Exception {
    TreeMap<Long, Double> out = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r : readAll(SERIES)) {
      SeriesBatch b = SeriesBatch.parseFrom(r.value());
      if (!b.getPrimaryId().equals(primaryId)) {
        continue;
      }
      for (SeriesColumn c : b.getColumnsList()) {
        if (c.getSeries().equals(series)) {
          for (int i = 0; i < c.getValuesCount(); i++) {
            if (!Double.isNaN(c.getValues(i))) {
              out.put(b.getFirstSecond() + i, c.getValues(i));
            }
          }
        }
      }
    }
    return out;
  }

  /** The newest model of a workload on the models topic. */
  Optional<ModelArtifact> newestModel(String workload) throws Exception {
    ModelArtifact newest = null;
    for (ConsumerRecord<String, byte[]> r : readAll(MODELS)) {
      if (r.key().equals(workload) && r.value() != null) {
        ModelArtifact a = ModelArtifact.parseFrom(r.value());
        if (newest == null || a.getVersion() > newest.getVersion()) {
          newest = a;
        }
      }
    }
    return Optional.ofNullable(newest);
  }
}
