package dev.umbra.shadow.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's topics and their configuration. Keys are workloads everywhere, so one
 * workload's records stay in one partition, in order. The same settings are in
 * {@code deploy/kubernetes/fleet/topics.yaml}.
 */
public final class Topics {
  private static final Logger logger = LoggerFactory.getLogger(Topics.class);

  /** Per-primary 1 s series in batches ({@code SeriesBatch}); 7 days for trainers and failover. */
  public static final String SERIES = "umbra.series.v1";
  /** Anomalies, decisions and checkpoint metadata ({@code FleetEvent}); 30 days. */
  public static final String EVENTS = "umbra.events.v1";
  /** Trained models ({@code ModelArtifact}), compacted: the newest per workload. */
  public static final String MODELS = "umbra.models.v1";

  static final Duration SERIES_RETENTION = Duration.ofDays(7);
  static final Duration EVENTS_RETENTION = Duration.ofDays(30);

  private Topics() {}

  /** The three topics with their configuration. */
  static List<NewTopic> definitions(int partitions, short replication) {
    List<NewTopic> topics = new ArrayList<>();
    topics.add(new NewTopic(SERIES, partitions, replication).configs(Map.of(
        "cleanup.policy", "delete",
        "retention.ms", Long.toString(SERIES_RETENTION.toMillis()),
        "segment.ms", Long.toString(Duration.ofHours(6).toMillis()),
        "compression.type", "producer")));
    topics.add(new NewTopic(EVENTS, partitions, replication).configs(Map.of(
        "cleanup.policy", "delete",
        "retention.ms", Long.toString(EVENTS_RETENTION.toMillis()))));
    topics.add(new NewTopic(MODELS, partitions, replication).configs(Map.of(
        "cleanup.policy", "compact",
        "segment.ms", Long.toString(Duration.ofHours(1).toMillis()),
        "min.cleanable.dirty.ratio", "0.1",
        "max.message.bytes", Integer.toString(8 << 20))));
    return topics;
  }

  /**
   * Creates the topics that do not exist yet. Returns false (and logs why) when Kafka did not
   * answer within {@code timeout}; topics that exist are left as they are.
   */
  public static boolean ensure(String bootstrap, int partitions, short replication, Duration timeout) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "umbra-topics");
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (NewTopic t : definitions(partitions, replication)) {
        if (!existing.contains(t.name())) {
          missing.add(t);
        }
      }
      if (missing.isEmpty()) {
        return true;
      }
      try {
        admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        logger.info("created topics {} partitions={} replication={}",
            missing.stream().map(NewTopic::name).toList(), partitions, replication);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      logger.warn("cannot check or create the fleet topics at {}: {}", bootstrap,
          e instanceof ExecutionException ? e.getCause().toString() : e.toString());
      return false;
    }
  }
}
