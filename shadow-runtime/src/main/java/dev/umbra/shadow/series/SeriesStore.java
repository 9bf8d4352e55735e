package dev.umbra.shadow.series;

import dev.umbra.shadow.metrics.ShadowMetrics;
import dev.umbra.shadow.threads.ShadowThreads;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The series store: the recent grid of every canonical series in memory (queryable as soon as
 * a second closes) and all of it in {@link HistoryDb} on disk. Writes are queued and committed
 * by one thread, {@code umbra-store-1}, in groups: each group is one transaction, and its
 * {@code onDurable} runs after the commit.
 *
 * <p>If a commit fails (disk full, I/O error) the group stays queued and is retried every
 * second; its batches stay unacknowledged, so the agents keep them.
 */
public final class SeriesStore implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(SeriesStore.class);
  private static final Duration COMPACT_EVERY = Duration.ofMinutes(10);

  private final HistoryDb history;
  private final Retention retention;
  private final int recentSeconds;
  private final Clock clock;
  private final ShadowMetrics metrics;
  private final Map<String, Map<SeriesName, RecentSeries>> recent = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<WriteGroup> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closing;
  private long nextCompactMillis;

  /**
   * @param recentSeconds how many seconds of each canonical series to keep in memory
   */
  public SeriesStore(Path dataDir, Retention retention, int recentSeconds, Clock clock, ShadowMetrics metrics) {
    this.history = new HistoryDb(dataDir);
    this.retention = retention;
    this.recentSeconds = recentSeconds;
    this.clock = clock;
    this.metrics = metrics;
    this.nextCompactMillis = clock.millis();
    this.writer = ShadowThreads.factory("store", false).newThread(this::writeLoop);
    writer.start();
  }

  /**
   * Makes the points queryable now and queues them for history. Never blocks.
   */
  public void submit(WriteGroup group) {
    for (GridPoint p : group.points()) {
      if (p.canonical()) {
        RecentSeries ring = recent
            .computeIfAbsent(p.primaryId(), k -> new ConcurrentHashMap<>())
            .computeIfAbsent(p.series(), s -> new RecentSeries(s, recentSeconds));
        if (p.partial()) {
          ring.putIfMissing(p.epochSecond(), p.value());
        } else {
          ring.put(p.epochSecond(), p.value());
        }
      }
    }
    queue.add(group);
  }

  /**
   * The grid of one canonical series in {@code [from, to)}: from memory when it covers the
   * range, else from history with the newest seconds (which may not be committed yet) taken
   * from memory.
   */
  public SeriesWindow window(String primaryId, SeriesName series, long from, long to) {
    RecentSeries ring = recent.getOrDefault(primaryId, Map.of()).get(series);
    if (ring != null && ring.coveredFrom() <= from) {
      return ring.window(from, to);
    }
    SeriesWindow stored;
    try {
      stored = history.window(primaryId, series, from, to);
    } catch (SQLException e) {
      throw new StoreException("reading " + series + " of " + primaryId + " failed: " + e.getMessage(), e);
    }
    if (ring == null) {
      return stored;
    }
    double[] values = stored.values();
    SeriesWindow recentPart = ring.window(Math.max(from, ring.coveredFrom()), to);
    for (int i = 0; i < recentPart.size(); i++) {
      double v = recentPart.value(i);
      if (!Double.isNaN(v)) {
        values[(int) (recentPart.firstSecond() - from) + i] = v;
      }
    }
    return new SeriesWindow(series, from, values);
  }

  /** The newest second of a series with a value, in memory or history; MIN_VALUE when none. */
  public long newestSecond(String primaryId, SeriesName series) {
    RecentSeries ring = recent.getOrDefault(primaryId, Map.of()).get(series);
    if (ring != null && ring.newestSecond() != Long.MIN_VALUE) {
      return ring.newestSecond();
    }
    // no ring yet, or an empty one (created before its first second closed): history knows
    try {
      return history.newestSecond(primaryId, series);
    } catch (SQLException e) {
      throw new StoreException("reading " + series + " of " + primaryId + " failed: " + e.getMessage(), e);
    }
  }

  /** The newest stored second of every primary in history. */
  public Map<String, Long> newestSecondsByPrimary() {
    try {
      return history.newestSeconds();
    } catch (SQLException e) {
      throw new StoreException("reading history failed: " + e.getMessage(), e);
    }
  }

  /** Every primary in history (as last committed). */
  public List<PrimaryRecord> knownPrimaries() {
    try {
      return history.primaries();
    } catch (SQLException e) {
      throw new StoreException("reading primaries failed: " + e.getMessage(), e);
    }
  }

  /** Drops the in-memory grid of a primary that is gone; its history stays. */
  public void forgetRecent(String primaryId) {
    recent.remove(primaryId);
  }

  Map<String, Long> rowCounts() throws SQLException {
    return history.rowCounts();
  }

  /** Blocks until everything submitted so far is committed (tests, shutdown). */
  public void awaitDurable(Duration timeout) throws InterruptedException {
    var done = new CountDownLatch(1);
    queue.add(new WriteGroup(List.of(), List.of(), done::countDown));
    if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("history did not commit within " + timeout);
    }
  }

  private void writeLoop() {
    List<WriteGroup> pending = new ArrayList<>();
    while (true) {
      try {
        if (pending.isEmpty()) {
          WriteGroup first = queue.poll(1, TimeUnit.SECONDS);
          if (first == null) {
            if (closing) {
              return;
            }
            maybeCompact();
            continue;
          }
          pending.add(first);
        }
        queue.drainTo(pending);
        commit(pending);
        pending.clear();
        if (closing && queue.isEmpty()) {
          return;
        }
        maybeCompact();
      } catch (InterruptedException e) {
        if (closing && pending.isEmpty() && queue.isEmpty()) {
          return;
        }
        // keep going: close() waits for the queue to drain
      } catch (SQLException | RuntimeException e) {
        metrics.storeFailures.inc();
        logger.error("history write of {} groups failed, retrying in 1 s: {}", pending.size(), e.toString());
        if (closing) {
          logger.error("shutting down with {} uncommitted groups; their batches were not acknowledged",
              pending.size());
          return;
        }
        sleepQuietly(1000);
      }
    }
  }

  private void commit(List<WriteGroup> groups) throws SQLException {
    List<GridPoint> points = new ArrayList<>();
    Map<String, PrimaryRecord> primaries = new LinkedHashMap<>();
    for (WriteGroup g : groups) {
      points.addAll(g.points());
      g.primaries().forEach(r -> primaries.put(r.primaryId(), r));
    }
    long start = System.nanoTime();
    if (!points.isEmpty() || !primaries.isEmpty()) {
      history.write(points, new ArrayList<>(primaries.values()));
      metrics.storeWriteSeconds.observe((System.nanoTime() - start) / 1e9);
      metrics.storeGridPoints.inc(points.size());
    }
    for (WriteGroup g : groups) {
      try {
        g.onDurable().run();
      } catch (RuntimeException e) {
        logger.warn("after-commit action failed", e);
      }
    }
  }

  private void maybeCompact() {
    long now = clock.millis();
    if (now < nextCompactMillis) {
      return;
    }
    nextCompactMillis = now + COMPACT_EVERY.toMillis();
    long nowSecond = now / 1000;
    try {
      history.compact(nowSecond - retention.raw().toSeconds(), nowSecond - retention.minutes().toSeconds());
    } catch (SQLException e) {
      logger.warn("history compaction failed; will retry in {}", COMPACT_EVERY, e);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Commits what is queued (up to 5 s), then closes the database. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    // wakes the writer from its poll at once: it commits what is queued and returns
    queue.add(new WriteGroup(List.of(), List.of(), () -> {}));
    try {
      writer.join(5000);
      if (writer.isAlive()) {
        writer.interrupt();
        writer.join(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    history.close();
  }
}
