package dev.umbra.shadow.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.umbra.proto.v1.ModelArtifact;
import dev.umbra.shadow.threads.ShadowThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted {@link Topics#MODELS} from the beginning (no consumer group: every node
 * shadow reads every workload's newest model) on the thread {@code umbra-fleet-models}, hands
 * each artifact to {@link FleetModels} and lets it evaluate every {@link #EVALUATE_EVERY}.
 * While Kafka is away it keeps retrying; the models in use stay in use.
 */
final class ModelFeed implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ModelFeed.class);
  static final Duration EVALUATE_EVERY = Duration.ofSeconds(5);

  private final Consumer<String, byte[]> consumer;
  private final FleetModels models;
  private final Thread thread;
  private volatile boolean stopping;

  ModelFeed(Properties consumerProperties, FleetModels models) {
    this.consumer = new KafkaConsumer<>(consumerProperties);
    this.models = models;
    this.thread = ShadowThreads.factory("fleet-models", true).newThread(this::loop);
    thread.start();
  }

  private void loop() {
    boolean assigned = false;
    long nextEvaluation = 0;
    long badRecords = 0;
    while (!stopping) {
      try {
        if (!assigned) {
          assigned = assign();
          if (!assigned) {
            sleep(2000);
          }
        }
        if (assigned) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
            if (r.value() == null) {
              continue; // a tombstone: the workload's model was withdrawn; keep what is in use
            }
            try {
              models.offer(ModelArtifact.parseFrom(r.value()));
            } catch (InvalidProtocolBufferException e) {
              if (badRecords++ % 100 == 0) {
                logger.warn("unreadable record on {} offset={}: {}", Topics.MODELS, r.offset(), e.getMessage());
              }
            }
          }
        }
        long now = System.currentTimeMillis();
        if (now >= nextEvaluation) {
          nextEvaluation = now + EVALUATE_EVERY.toMillis();
          models.evaluate();
        }
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        logger.warn("reading {} failed, retrying: {}", Topics.MODELS, e.toString());
        sleep(2000);
      }
    }
  }

  private boolean assign() {
    List<PartitionInfo> partitions;
    try {
      partitions = consumer.partitionsFor(Topics.MODELS, Duration.ofSeconds(5));
    } catch (KafkaException e) {
      return false;
    }
    if (partitions == null || partitions.isEmpty()) {
      return false;
    }
    List<TopicPartition> tps = new ArrayList<>();
    for (PartitionInfo p : partitions) {
      tps.add(new TopicPartition(p.topic(), p.partition()));
    }
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    logger.info("reading {} ({} partitions) from the beginning", Topics.MODELS, tps.size());
    return true;
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      stopping = true;
    }
  }

  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      consumer.close(Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      logger.warn("closing the models consumer failed: {}", e.toString());
    }
  }
}
