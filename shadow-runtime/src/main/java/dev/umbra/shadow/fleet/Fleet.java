package dev.umbra.shadow.fleet;

import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.forecast.live.PrimaryForecasts;
import dev.umbra.shadow.ingest.Ingest;
import dev.umbra.shadow.series.SeriesStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node shadow's part in the fleet (see the package documentation): started by the shadow's
 * composition root when {@code kafka} is configured, closed before ingest and the store.
 * Nothing here blocks start-up on Kafka: a shadow starts and serves while Kafka is away.
 */
public final class Fleet implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Fleet.class);
  /** History a failover refills from Kafka; forecasts look back at most 2 h. */
  static final Duration REBUILD_LOOKBACK = Duration.ofMinutes(30);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final String id;
  private Outbox outbox;
  private EventPublisher events;
  private FleetModels models;

  private Fleet(String id) {
    this.id = id;
  }

  /**
   * @param shadowAddress this shadow's gRPC address, its fleet id unless {@code fleet-id} is set
   */
  public static Fleet start(ShadowConfig.Fleet config, String shadowAddress, Ingest ingest, SeriesStore store,
      PrimaryForecasts forecasts, PrometheusRegistry registry, Clock clock) {
    String kafka = config.kafka().orElseThrow(() -> new IllegalArgumentException("kafka is not configured"));
    Fleet fleet = new Fleet(config.id().orElse(shadowAddress));
    try {
      fleet.startParts(config, kafka, ingest, store, forecasts, new FleetMetrics(registry), clock);
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
    logger.info("fleet mode: kafka={} id={} batch={} buffer={} bytes", kafka, fleet.id, config.batch(),
        config.bufferBytes());
    return fleet;
  }

  private void startParts(ShadowConfig.Fleet config, String kafka, Ingest ingest, SeriesStore store,
      PrimaryForecasts forecasts, FleetMetrics metrics, Clock clock) {
    long producerMemory = Math.max(1 << 20, Math.min(32L << 20, config.bufferBytes()));
    outbox = own(new Outbox(new KafkaProducer<>(KafkaSettings.producer(kafka, "umbra-shadow-" + id, producerMemory)),
        config.bufferBytes(), Math.min(producerMemory / 2, config.bufferBytes() / 4), metrics));
    SeriesPublisher series = own(new SeriesPublisher(outbox, id, (int) config.batch().toSeconds(), clock, metrics));
    events = new EventPublisher(outbox, id, primaryId -> ingest.sessions().get(primaryId).map(s -> s.identity().workload()),
        clock);
    models = new FleetModels(ingest.sessions(), store, clock, metrics);
    own(new ModelFeed(KafkaSettings.consumer(kafka, "umbra-models-" + id, null), models));
    WindowRebuilder rebuilder =
        own(new WindowRebuilder(KafkaSettings.consumer(kafka, "umbra-rebuild-" + id, null), store, clock,
            REBUILD_LOOKBACK, metrics));
    ingest.addListener(series);
    ingest.addListener(rebuilder);
    forecasts.prefer(models);
  }

  private <T extends AutoCloseable> T own(T part) {
    started.push(part);
    return part;
  }

  /** This shadow's name in the fleet. */
  public String id() {
    return id;
  }

  /** Where anomalies, decisions and checkpoint metadata go to Kafka. */
  public EventPublisher events() {
    return events;
  }

  /** The fleet-trained models in use. */
  public FleetModels models() {
    return models;
  }

  /** Closes every part in reverse order; the outbox gets 5 s to have what waits acknowledged. */
  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) {
        logger.warn("closing {} failed", part.getClass().getSimpleName(), e);
      }
    }
  }
}
