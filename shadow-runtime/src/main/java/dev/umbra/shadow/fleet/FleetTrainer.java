package dev.umbra.shadow.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.umbra.proto.v1.ModelArtifact;
import dev.umbra.proto.v1.SeriesBatch;
import dev.umbra.proto.v1.SeriesColumn;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.NativeThreads;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code umbra train} role: one member of a consumer group on {@link Topics#SERIES}. For
 * each assigned partition it starts {@code window} back in time (so a restarted or rebalanced
 * trainer refills its windows from Kafka, not from a local disk), keeps the last {@code window}
 * of every run (primary) of every workload for the configured series, and every
 * {@code trainEvery} trains each workload that has new data and at least {@code minHistory} of
 * it, fine-tuning the workload's previous version, and publishes the next version to the
 * compacted {@link Topics#MODELS}. Runs on the calling thread of {@link #run()}; {@link #close()}
 * may be called from any thread.
 */
public final class FleetTrainer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(FleetTrainer.class);

  /**
   * @param kafka bootstrap servers
   * @param group consumer group id (trainers of one fleet share it and split the partitions)
   * @param id this trainer's name (pod name)
   * @param window how much of each run is kept and trained on
   * @param trainEvery how often workloads with new data are trained
   * @param minHistory seconds of a workload's data (over all runs) before its first model
   * @param series the series that get models
   * @param partitions, replication for topics that do not exist yet
   */
  public record Settings(String kafka, String group, String id, Duration window, Duration trainEvery,
      Duration minHistory, List<String> series, int partitions, short replication) {
    public Settings {
      Objects.requireNonNull(kafka, "kafka");
      series = List.copyOf(series);
      if (window.toSeconds() < 120 || window.toSeconds() > 7 * 86400) {
        throw new IllegalArgumentException("window must be between 2m and 7d, got " + window);
      }
      if (trainEvery.toSeconds() < 1) {
        throw new IllegalArgumentException("train-every must be at least 1s, got " + trainEvery);
      }
      if (series.isEmpty()) {
        throw new IllegalArgumentException("series: name at least one series to train");
      }
      if (partitions < 1 || replication < 1) {
        throw new IllegalArgumentException("partitions and replication must be at least 1");
      }
    }
  }

  private static final class Workload {
    final int partition;
    final Map<String, Map<String, RunWindow>> runs = new LinkedHashMap<>(); // primary -> series -> window
    final Map<String, Long> lastSeen = new HashMap<>(); // primary -> newest second
    final TreeSet<String> shadows = new TreeSet<>();
    long newPoints;
    long seconds;

    Workload(int partition) {
      this.partition = partition;
    }
  }

  private final Settings settings;
  private final Clock clock;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, Workload> workloads = new HashMap<>();
  private final Map<String, ModelArtifact> published = new HashMap<>();
  private final Counter points;
  private final Counter models;
  private final Histogram delay;
  private final Histogram trainSeconds;
  private final Gauge tracked;
  private volatile boolean closing;

  public FleetTrainer(Settings settings, PrometheusRegistry registry, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    Properties c = KafkaSettings.consumer(settings.kafka(), "umbra-trainer-" + settings.id(), settings.group());
    c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
    this.consumer = new KafkaConsumer<>(c);
    this.producer = new KafkaProducer<>(KafkaSettings.producer(settings.kafka(), "umbra-trainer-" + settings.id(), 32L << 20));
    points = Counter.builder().name("umbra_trainer_points_total").help("Grid points read from the series topic.")
        .register(registry);
    models = Counter.builder().name("umbra_trainer_models_published_total").help("Model versions published.")
        .register(registry);
    delay = Histogram.builder().name("umbra_trainer_sample_delay_seconds")
        .help("From the end of each grid second of a batch (the primary sampled in it) to the trainer reading it.")
        .classicUpperBounds(0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 15, 30, 60, 120).register(registry);
    trainSeconds = Histogram.builder().name("umbra_trainer_train_seconds").help("Time to train one workload.")
        .register(registry);
    tracked = Gauge.builder().name("umbra_trainer_workloads").help("Workloads with data in the window.")
        .register(registry);
  }

  /** Polls and trains until {@link #close()}. */
  public void run() throws InterruptedException {
    NativeThreads.limit(1);
    while (!closing && !Topics.ensure(settings.kafka(), settings.partitions(), settings.replication(), Duration.ofSeconds(10))) {
      TimeUnit.SECONDS.sleep(2);
    }
    loadPublished();
    consumer.subscribe(List.of(Topics.SERIES), new Rewind());
    logger.info("trainer {} ready: group={} window={} every={} series={}", settings.id(), settings.group(),
        settings.window(), settings.trainEvery(), settings.series());
    long nextTraining = clock.millis() + settings.trainEvery().toMillis();
    while (!closing) {
      try {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
          take(r);
        }
        if (clock.millis() >= nextTraining) {
          trainDue();
          nextTraining = clock.millis() + settings.trainEvery().toMillis();
        }
      } catch (WakeupException e) {
        break;
      } catch (KafkaException e) {
        logger.warn("kafka: {}; retrying", e.toString());
        TimeUnit.SECONDS.sleep(2);
      }
    }
  }

  /** On assignment, start {@code window} back so the windows are full again. */
  private final class Rewind implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      TreeSet<Integer> gone = new TreeSet<>();
      partitions.forEach(p -> gone.add(p.partition()));
      workloads.values().removeIf(w -> gone.contains(w.partition));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<TopicPartition, Long> at = new HashMap<>();
      long from = clock.millis() - settings.window().toMillis();
      partitions.forEach(p -> at.put(p, from));
      Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(at, Duration.ofSeconds(30));
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp o = offsets.get(p);
        if (o != null) {
          consumer.seek(p, o.offset());
        } else {
          consumer.seekToEnd(List.of(p));
        }
      }
      logger.info("trainer {} assigned {}", settings.id(), partitions);
    }
  }

  private void take(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return;
    }
    SeriesBatch b;
    try {
      b = SeriesBatch.parseFrom(r.value());
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    long now = clock.millis();
    for (int i = 0; i < Math.min(b.getSeconds(), 3600); i++) { // every second of the batch: its oldest waited longest
      delay.observe(Math.max(0, now - (b.getFirstSecond() + i + 1) * 1000L) / 1000.0);
    }
    Workload w = workloads.computeIfAbsent(b.getWorkload(), k -> new Workload(r.partition()));
    w.shadows.add(b.getShadow());
    Map<String, RunWindow> run = w.runs.computeIfAbsent(b.getPrimaryId(), k -> new LinkedHashMap<>());
    int capacity = (int) settings.window().toSeconds();
    long n = 0;
    for (SeriesColumn c : b.getColumnsList()) {
      if (!settings.series().contains(c.getSeries())) {
        continue;
      }
      RunWindow window = run.computeIfAbsent(c.getSeries(), k -> new RunWindow(capacity));
      for (int i = 0; i < Math.min(c.getValuesCount(), b.getSeconds()); i++) {
        double v = c.getValues(i);
        if (Double.isFinite(v)) {
          window.put(b.getFirstSecond() + i, v);
          n++;
        }
      }
    }
    long newest = b.getFirstSecond() + b.getSeconds() - 1;
    Long before = w.lastSeen.put(b.getPrimaryId(), Math.max(newest, w.lastSeen.getOrDefault(b.getPrimaryId(), newest)));
    w.seconds += before == null ? b.getSeconds() : Math.max(0, newest - before);
    w.newPoints += n;
    points.inc(n);
  }

  private void trainDue() {
    long nowSecond = clock.millis() / 1000;
    for (Iterator<Map.Entry<String, Workload>> it = workloads.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Workload> e = it.next();
      Workload w = e.getValue();
      w.lastSeen.entrySet().removeIf(x -> {
        boolean stale = x.getValue() < nowSecond - settings.window().toSeconds();
        if (stale) {
          w.runs.remove(x.getKey());
        }
        return stale;
      });
      if (w.runs.isEmpty()) {
        it.remove();
        continue;
      }
      if (w.newPoints > 0 && w.seconds >= settings.minHistory().toSeconds()) {
        train(e.getKey(), w);
      }
    }
    tracked.set(workloads.size());
  }

  private void train(String workload, Workload w) {
    long start = System.nanoTime();
    ModelArtifact previous = published.get(workload);
    int version = previous == null ? 1 : previous.getVersion() + 1;
    Map<String, LstmModel> before = Map.of();
    if (previous != null) {
      try {
        before = ModelCodec.decode(previous);
      } catch (IOException e) {
        logger.warn("workload={}: previous model v{} unreadable, training from scratch: {}", workload,
            previous.getVersion(), e.getMessage());
      }
    }
    ModelArtifact.Builder artifact = ModelArtifact.newBuilder()
        .setWorkload(workload)
        .setVersion(version)
        .setTrainer(settings.id())
        .setRuns(w.runs.size())
        .addAllShadows(w.shadows);
    long until = 0;
    try {
      for (String series : settings.series()) {
        List<RunWindow> runs = new ArrayList<>();
        for (Map<String, RunWindow> run : w.runs.values()) {
          RunWindow rw = run.get(series);
          if (rw != null) {
            runs.add(rw);
          }
        }
        LstmModel model = WorkloadTraining.train(series, runs, before.get(series), version);
        if (model != null) {
          artifact.addModels(ModelCodec.encode(series, model, w.seconds));
          until = Math.max(until, model.trainedUntil().toEpochMilli());
        }
      }
    } catch (IOException | RuntimeException e) {
      logger.error("workload={}: training v{} failed: {}", workload, version, e.toString());
      return;
    }
    if (artifact.getModelsCount() == 0) {
      return; // no block with a known target yet
    }
    ModelArtifact built = artifact.setTrainedUntilUnixMs(until).setPublishedUnixMs(clock.millis()).build();
    try {
      producer.send(new ProducerRecord<>(Topics.MODELS, workload, built.toByteArray())).get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      logger.error("workload={}: publishing model v{} failed; will train again: {}", workload, version, e.toString());
      return;
    }
    published.put(workload, built);
    w.newPoints = 0;
    double seconds = (System.nanoTime() - start) / 1e9;
    trainSeconds.observe(seconds);
    models.inc();
    logger.info("published model workload={} version={} series={} runs={} shadows={} seconds={} bytes={} in {} s",
        workload, version, built.getModelsList().stream().map(m -> m.getSeries()).toList(), w.runs.size(), w.shadows,
        w.seconds, built.getSerializedSize(), String.format(Locale.ROOT, "%.1f", seconds));
  }

  /** Reads the models topic once, so versions continue and fine-tuning starts from the last one. */
  private void loadPublished() {
    Properties p = KafkaSettings.consumer(settings.kafka(), "umbra-trainer-models-" + settings.id(), null);
    try (KafkaConsumer<String, byte[]> models = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo info : models.partitionsFor(Topics.MODELS, Duration.ofSeconds(30))) {
        tps.add(new TopicPartition(info.topic(), info.partition()));
      }
      models.assign(tps);
      models.seekToBeginning(tps);
      Map<TopicPartition, Long> end = models.endOffsets(tps, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && tps.stream().anyMatch(tp -> models.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : models.poll(Duration.ofSeconds(1))) {
          if (r.value() == null) {
            continue;
          }
          try {
            ModelArtifact a = ModelArtifact.parseFrom(r.value());
            published.merge(a.getWorkload(), a, (x, y) -> y.getVersion() > x.getVersion() ? y : x);
          } catch (InvalidProtocolBufferException e) {
            // not ours to read
          }
        }
      }
    } catch (KafkaException e) {
      logger.warn("could not read {}: versions start from 1 for workloads not seen: {}", Topics.MODELS, e.toString());
    }
    logger.info("trainer {}: {} workloads have models already", settings.id(), published.size());
  }

  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
  }

  /** Closes the clients; call after {@link #run()} returned. */
  public void release() {
    try {
      consumer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      logger.warn("closing the consumer failed: {}", e.toString());
    }
    producer.close(Duration.ofSeconds(5));
  }
}
