package dev.umbra.shadow.ingest;

import dev.umbra.shadow.heap.HeapStore;
import dev.umbra.shadow.metrics.ShadowMetrics;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.series.WriteGroup;
import dev.umbra.shadow.threads.ShadowThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest: the Connect service, the sessions, and the tick ({@code umbra-ingest-tick-1}, every
 * 200 ms) that closes grid seconds once they are {@code lateness} behind the clock, hands them
 * to the store and to listeners, and acknowledges batches once their points are durable. Early
 * listeners hear of canonical seconds as soon as they are complete ({@link #addEarlyListener}).
 */
public final class Ingest implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Ingest.class);
  static final Duration TICK = Duration.ofMillis(200);

  private final Clock clock;
  private final SeriesStore store;
  private final ShadowMetrics metrics;
  private final Sessions sessions;
  private final HeapStore heap = new HeapStore();
  private final IngestService service;
  private final Duration lateness;
  private final Duration goneAfter;
  private final List<GridListener> listeners = new CopyOnWriteArrayList<>();
  private final List<GridListener> earlyListeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker;

  /**
   * @param lateness how long a grid second stays open for points that arrive late
   * @param goneAfter how long a disconnected primary waits to reconnect before it is gone
   */
  public Ingest(SeriesStore store, Clock clock, ShadowMetrics metrics, Duration lateness, Duration goneAfter) {
    this(store, clock, metrics, lateness, goneAfter, SessionLimits.DEFAULT);
  }

  /** @param limits how many primaries may stream at once */
  public Ingest(SeriesStore store, Clock clock, ShadowMetrics metrics, Duration lateness, Duration goneAfter,
      SessionLimits limits) {
    this.clock = clock;
    this.store = store;
    this.metrics = metrics;
    this.lateness = lateness;
    this.goneAfter = goneAfter;
    this.sessions = new Sessions(clock, store.knownPrimaries(), store.newestSecondsByPrimary(), limits);
    this.service = new IngestService(sessions, clock, new IngestCounters(metrics), heap);
    this.ticker = Executors.newSingleThreadScheduledExecutor(ShadowThreads.factory("ingest-tick", true));
    ticker.scheduleWithFixedDelay(this::tickSafely, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  public IngestService service() {
    return service;
  }

  public Sessions sessions() {
    return sessions;
  }

  /** The class histograms and old-object samples the agents sent, per primary (in memory, bounded). */
  public HeapStore heap() {
    return heap;
  }

  public void addListener(GridListener listener) {
    listeners.add(listener);
  }

  /**
   * Adds a listener told of each second of each canonical series once, as soon as the second is
   * complete (it holds as many points as the series' previous second: with an agent, one tick
   * after its batch arrived) rather than after the lateness; a second that never completes comes
   * when it closes. The value is what had arrived by then; the store keeps the closed second's,
   * which a later point may still change. For consumers that must not wait (the anomaly
   * detector); on the tick thread, like {@link #addListener}.
   */
  public void addEarlyListener(GridListener listener) {
    earlyListeners.add(listener);
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      logger.error("ingest tick failed; grid points of this tick may be delayed", e);
    }
  }

  /** One tick; package-private so tests with a MutableClock can drive it. */
  void tick() {
    long now = clock.millis();
    tick(now, Math.floorDiv(now - lateness.toMillis(), 1000));
  }

  private void tick(long now, long watermark) {
    long connected = 0;
    long disconnected = 0;
    long gone = 0;
    for (PrimarySession session : sessions.all()) {
      if (session.expire(now, goneAfter.toMillis())) {
        logger.info("primary={} gone after {} without a stream", session.primaryId(), goneAfter);
      }
      switch (session.state()) {
        case CONNECTED -> connected++;
        case DISCONNECTED -> disconnected++;
        case GONE -> gone++;
      }
      PrimarySession.Tick tick = session.tick(watermark);
      if (tick == null) {
        continue;
      }
      notify(earlyListeners, session, tick.early());
      long ack = tick.ackSequence();
      store.submit(new WriteGroup(tick.points(), List.of(tick.record()), () -> session.durable(ack)));
      long nowNanos = System.nanoTime();
      for (long arrival : tick.arrivalNanos()) {
        metrics.ingestToQueryableSeconds.observe((nowNanos - arrival) / 1e9);
      }
      notify(listeners, session, tick.points());
    }
    metrics.sessions.labelValues("connected").set(connected);
    metrics.sessions.labelValues("disconnected").set(disconnected);
    metrics.sessions.labelValues("gone").set(gone);
  }

  private static void notify(List<GridListener> listeners, PrimarySession session, List<GridPoint> points) {
    if (points.isEmpty()) {
      return;
    }
    for (GridListener listener : listeners) {
      try {
        listener.onGrid(session, points);
      } catch (RuntimeException e) {
        logger.warn("grid listener {} failed primary={}", listener.getClass().getSimpleName(), session.primaryId(), e);
      }
    }
  }

  /**
   * Stops the tick, then closes every open grid second (the current one included) so that the
   * store commits all that arrived; streams end with UNAVAILABLE and agents reconnect elsewhere.
   */
  @Override
  public void close() {
    ticker.shutdown();
    try {
      if (!ticker.awaitTermination(2, TimeUnit.SECONDS)) {
        ticker.shutdownNow();
      }
      long now = clock.millis();
      tick(now, Math.floorDiv(now, 1000) + 1);
    } catch (InterruptedException e) {
      ticker.shutdownNow();
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      logger.warn("final ingest tick failed", e);
    }
    for (PrimarySession s : sessions.all()) {
      s.closeStream(io.grpc.Status.UNAVAILABLE.withDescription("the shadow is shutting down"));
    }
  }
}
