package dev.umbra.shadow.fleet;

import dev.umbra.proto.v1.SeriesBatch;
import dev.umbra.shadow.ingest.GridListener;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.threads.ShadowThreads;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Publishes each primary's canonical grid seconds to {@link Topics#SERIES}, {@code batchSeconds}
 * seconds per record, keyed by workload. {@link #onGrid} runs on the ingest tick thread and only
 * hands the points over (a bounded queue: if it is full the points are dropped and counted as
 * "handoff-full"); the thread {@code umbra-fleet-batch} builds the records and offers them to
 * the {@link Outbox}. A primary's open batch goes out once it spans {@code batchSeconds} or its
 * first second is {@code batchSeconds + 2} s old, so a primary that stops still gets published.
 */
final class SeriesPublisher implements GridListener, AutoCloseable {
  private record Handoff(String workload, String primaryId, List<GridPoint> points) {}

  private static final class Open {
    final String workload;
    final TreeMap<Long, Map<String, Double>> seconds = new TreeMap<>();
    long points;
    long sequence;

    Open(String workload) {
      this.workload = workload;
    }
  }

  private final Outbox outbox;
  private final String shadow;
  private final int batchSeconds;
  private final Clock clock;
  private final FleetMetrics metrics;
  private final BlockingQueue<Handoff> handoff = new ArrayBlockingQueue<>(8192);
  private final Map<String, Open> open = new HashMap<>();
  private final Thread thread;
  private volatile boolean stopping;

  SeriesPublisher(Outbox outbox, String shadow, int batchSeconds, Clock clock, FleetMetrics metrics) {
    this.outbox = outbox;
    this.shadow = shadow;
    this.batchSeconds = batchSeconds;
    this.clock = clock;
    this.metrics = metrics;
    this.thread = ShadowThreads.factory("fleet-batch", true).newThread(this::loop);
    thread.start();
  }

  @Override
  public void onGrid(PrimarySession session, List<GridPoint> points) {
    List<GridPoint> canonical = new ArrayList<>(points.size());
    for (GridPoint p : points) {
      if (p.canonical()) {
        canonical.add(p);
      }
    }
    if (canonical.isEmpty()) {
      return;
    }
    if (!handoff.offer(new Handoff(session.identity().workload(), session.primaryId(), canonical))) {
      metrics.droppedPoints.labelValues("handoff-full").inc(canonical.size());
    }
  }

  private void loop() {
    while (!stopping) {
      try {
        Handoff h = handoff.poll(200, TimeUnit.MILLISECONDS);
        while (h != null) {
          add(h);
          h = handoff.poll();
        }
        flushDue(clock.millis() / 1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void add(Handoff h) {
    Open o = open.computeIfAbsent(h.primaryId(), k -> new Open(h.workload()));
    for (GridPoint p : h.points()) {
      if (!o.seconds.isEmpty() && p.epochSecond() >= o.seconds.firstKey() + batchSeconds) {
        emit(h.primaryId(), o);
      }
      o.seconds.computeIfAbsent(p.epochSecond(), s -> new LinkedHashMap<>()).put(p.series().value(), p.value());
      o.points++;
    }
  }

  private void flushDue(long nowSecond) {
    for (Iterator<Map.Entry<String, Open>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Open> e = it.next();
      Open o = e.getValue();
      if (o.seconds.isEmpty()) {
        continue;
      }
      long first = o.seconds.firstKey();
      if (o.seconds.lastKey() - first + 1 >= batchSeconds || nowSecond - first >= batchSeconds + 2L) {
        emit(e.getKey(), o);
      }
    }
  }

  private void emit(String primaryId, Open o) {
    SeriesBatch batch = SeriesCodec.batch(o.workload, primaryId, shadow, o.seconds, ++o.sequence, clock.millis());
    outbox.offer(new Outbox.Item(Topics.SERIES, o.workload, batch.toByteArray(), o.points, System.nanoTime()));
    o.seconds.clear();
    o.points = 0;
  }

  /** Stops the thread and offers every open batch to the outbox. */
  @Override
  public void close() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Handoff h;
    while ((h = handoff.poll()) != null) {
      add(h);
    }
    open.forEach((primaryId, o) -> {
      if (!o.seconds.isEmpty()) {
        emit(primaryId, o);
      }
    });
  }
}
