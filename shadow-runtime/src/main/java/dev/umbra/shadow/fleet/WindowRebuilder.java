package dev.umbra.shadow.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.umbra.proto.v1.SeriesBatch;
import dev.umbra.shadow.ingest.GridListener;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.series.WriteGroup;
import dev.umbra.shadow.threads.ShadowThreads;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failover without a cold start: the first time this shadow sees a primary whose JVM has been
 * running for more than {@link #NEW_RUN} (so it most likely streamed to another shadow before),
 * the thread {@code umbra-fleet-rebuild} reads the last {@code lookback} of its workload's
 * partition of {@link Topics#SERIES} and submits that primary's seconds to the store as partial
 * points: they fill the seconds this shadow lacks and never replace one it has. Primaries that
 * appear together (a whole node failing over) share one scan per partition. While Kafka is away
 * a rebuild is retried every {@link #RETRY_EVERY} for up to {@link #GIVE_UP_AFTER}.
 */
final class WindowRebuilder implements GridListener, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(WindowRebuilder.class);
  static final Duration NEW_RUN = Duration.ofSeconds(20);
  static final Duration RETRY_EVERY = Duration.ofSeconds(5);
  static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);
  static final Duration SCAN_TIMEOUT = Duration.ofSeconds(60);

  private record Request(String workload, String primaryId, long firstAskedMillis) {}

  private final Consumer<String, byte[]> consumer;
  private final SeriesStore store;
  private final Clock clock;
  private final Duration lookback;
  private final FleetMetrics metrics;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean stopping;

  WindowRebuilder(Properties consumerProperties, SeriesStore store, Clock clock, Duration lookback, FleetMetrics metrics) {
    this.consumer = new KafkaConsumer<>(consumerProperties);
    this.store = store;
    this.clock = clock;
    this.lookback = lookback;
    this.metrics = metrics;
    this.thread = ShadowThreads.factory("fleet-rebuild", true).newThread(this::loop);
    thread.start();
  }

  @Override
  public void onGrid(PrimarySession session, List<GridPoint> points) {
    if (seen.add(session.primaryId())) {
      long now = clock.millis();
      if (now - session.identity().jvmStartMillis() > NEW_RUN.toMillis()) {
        requests.add(new Request(session.identity().workload(), session.primaryId(), now));
      }
    }
  }

  private void loop() {
    while (!stopping) {
      try {
        Request first = requests.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        List<Request> batch = new ArrayList<>();
        batch.add(first);
        Thread.sleep(500); // let primaries that fail over together arrive together
        requests.drainTo(batch);
        rebuild(batch);
      } catch (InterruptedException | WakeupException e) {
        return;
      }
    }
  }

  private void rebuild(List<Request> batch) throws InterruptedException {
    List<Request> retry = new ArrayList<>();
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(Topics.SERIES, Duration.ofSeconds(5));
      if (partitions == null || partitions.isEmpty()) {
        throw new KafkaException(Topics.SERIES + " has no partitions yet");
      }
      Map<TopicPartition, List<Request>> byPartition = new HashMap<>();
      for (Request r : batch) {
        int p = Utils.toPositive(Utils.murmur2(r.workload().getBytes(StandardCharsets.UTF_8))) % partitions.size();
        byPartition.computeIfAbsent(new TopicPartition(Topics.SERIES, p), k -> new ArrayList<>()).add(r);
      }
      for (Map.Entry<TopicPartition, List<Request>> e : byPartition.entrySet()) {
        scan(e.getKey(), e.getValue());
      }
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      long now = clock.millis();
      for (Request r : batch) {
        if (now - r.firstAskedMillis() < GIVE_UP_AFTER.toMillis()) {
          retry.add(r);
        } else {
          logger.warn("primary={} history not rebuilt from kafka: {}", r.primaryId(), e.toString());
        }
      }
      if (!retry.isEmpty()) {
        Thread.sleep(RETRY_EVERY.toMillis());
        requests.addAll(retry);
      }
    }
  }

  private void scan(TopicPartition tp, List<Request> wanted) {
    long start = System.nanoTime();
    Map<String, Request> byPrimary = new HashMap<>();
    wanted.forEach(r -> byPrimary.put(r.primaryId(), r));
    consumer.assign(List.of(tp));
    long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
    OffsetAndTimestamp from =
        consumer.offsetsForTimes(Map.of(tp, clock.millis() - lookback.toMillis()), Duration.ofSeconds(10)).get(tp);
    Map<String, long[]> found = new HashMap<>(); // primary -> {points, first second, last second}
    if (from != null && from.offset() < end) {
      consumer.seek(tp, from.offset());
      long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
      while (consumer.position(tp, Duration.ofSeconds(10)) < end && System.nanoTime() < deadline && !stopping) {
        List<GridPoint> points = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
          if (r.offset() >= end || r.value() == null) {
            continue;
          }
          SeriesBatch b;
          try {
            b = SeriesBatch.parseFrom(r.value());
          } catch (InvalidProtocolBufferException e) {
            continue;
          }
          if (!byPrimary.containsKey(b.getPrimaryId())) {
            continue;
          }
          List<GridPoint> ps = SeriesCodec.points(b);
          points.addAll(ps);
          long[] f = found.computeIfAbsent(b.getPrimaryId(), k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
          f[0] += ps.size();
          f[1] = Math.min(f[1], b.getFirstSecond());
          f[2] = Math.max(f[2], b.getFirstSecond() + b.getSeconds() - 1);
        }
        if (!points.isEmpty()) {
          store.submit(new WriteGroup(points, List.of(), () -> {}));
          metrics.rebuiltPoints.inc(points.size());
        }
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    for (Request r : wanted) {
      long[] f = found.get(r.primaryId());
      if (f == null) {
        logger.info("primary={} workload={}: nothing in {} of the last {} to rebuild ({} ms)", r.primaryId(),
            r.workload(), tp, lookback, millis);
      } else {
        logger.info("primary={} workload={}: rebuilt {} points, seconds {}..{}, from {} in {} ms", r.primaryId(),
            r.workload(), f[0], f[1], f[2], tp, millis);
      }
    }
  }

  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      consumer.close(Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      logger.warn("closing the rebuild consumer failed: {}", e.toString());
    }
  }
}
