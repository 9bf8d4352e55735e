package dev.umbra.shadow.ingest;

import dev.umbra.shadow.series.Aggregation;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.series.SeriesName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns one primary's points into grid seconds. Each second stays open until the watermark
 * passes it; then it closes into one {@link GridPoint} per series, aggregated as the series
 * says (mean for rates, last for gauges).
 *
 * <p>A point for a second that is already closed is late: an agent resending what it buffered
 * while its stream was down. For canonical series the closed second is kept for {@link
 * #REOPEN_SECONDS} so that a late point updates it and the corrected value is emitted again
 * (the store keeps the newest value of a second). Other late points start a {@linkplain
 * GridPoint#partial() partial} second: it fills a second that has no value and never replaces
 * one that has.
 *
 * <p>Early seconds ({@link #takeEarly()}): a canonical series' second is <em>complete</em> as soon
 * as it holds as many points as the series' previous closed second had (an agent sends each
 * canonical series once per gauge period, so usually one point, on time). Such a second is offered
 * early, before the watermark closes it, for consumers that cannot wait for the lateness (the
 * anomaly detector); a second that never completes is offered when it closes. Each second of a
 * canonical series is offered once; a point arriving after its second was offered early changes
 * the closed value (what the store keeps) but is not offered again.
 *
 * <p>Not thread-safe: its session serialises access.
 */
final class GridAccumulator {
  /** More distinct series (name + labels) than this per primary are refused: a cardinality guard. */
  static final int MAX_SERIES = 2_000;
  /** How long a closed second of a canonical series can still be corrected by late points. */
  static final int REOPEN_SECONDS = 120;

  private final String primaryId;
  private final Map<Key, Series> series = new HashMap<>();
  /** Seconds below this are closed. */
  private long closedBelow;
  /** Seconds offered early since the last {@link #takeEarly()}. */
  private final List<GridPoint> early = new ArrayList<>();

  GridAccumulator(String primaryId, long closedBelow) {
    this.primaryId = primaryId;
    this.closedBelow = closedBelow;
  }

  record Key(SeriesName name, String labels) {}

  /**
   * The accumulator of one series, created on first use; null when the primary already has
   * {@link #MAX_SERIES} series (the point must be refused as {@code too_many_series}). Look it up
   * once per series of a batch, then {@link #add(Series, long, double)} each point.
   */
  Series series(SeriesName name, String labels) {
    Key key = new Key(name, labels);
    Series s = series.get(key);
    if (s == null) {
      if (series.size() >= MAX_SERIES) {
        return null;
      }
      s = new Series(key, name.aggregation(), labels.isEmpty());
      series.put(key, s);
    }
    return s;
  }

  /** Adds one point to a series this accumulator returned. */
  void add(Series s, long timeMillis, double value) {
    long second = Math.floorDiv(timeMillis, 1000);
    Bucket complete = s.add(second, value, closedBelow);
    if (complete != null) {
      early.add(s.point(primaryId, second, complete));
    }
  }

  /** One point, looking its series up: why it was refused, or null when it was taken. */
  String add(SeriesName name, String labels, long timeMillis, double value) {
    Series s = series(name, labels);
    if (s == null) {
      return "too_many_series";
    }
    add(s, timeMillis, value);
    return null;
  }

  /**
   * Closes every second below {@code watermarkSecond} and returns their grid points, with the
   * corrected values of closed seconds that late points changed.
   */
  List<GridPoint> closeBelow(long watermarkSecond) {
    closedBelow = Math.max(closedBelow, watermarkSecond);
    watermarkSecond = closedBelow;
    List<GridPoint> out = new ArrayList<>();
    for (Iterator<Map.Entry<Key, Series>> it = series.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Series> e = it.next();
      e.getValue().closeBelow(watermarkSecond, primaryId, out, early);
    }
    return out;
  }

  /**
   * The canonical series' seconds offered since the last call: those complete before closing, and
   * those that closed without having been complete (see the class comment); each second once.
   */
  List<GridPoint> takeEarly() {
    if (early.isEmpty()) {
      return List.of();
    }
    List<GridPoint> taken = List.copyOf(early);
    early.clear();
    return taken;
  }

  /**
   * Open seconds of one series (usually one or two: a TreeMap with a last-bucket cache), the
   * recently closed ones that late points may still correct, and which of those changed.
   */
  static final class Series {
    private final Key key;
    private final Aggregation aggregation;
    /** Canonical (unlabelled): closed seconds are kept for late corrections, seconds are offered early. */
    private final boolean keepClosed;
    private final TreeMap<Long, Bucket> open = new TreeMap<>();
    private final TreeMap<Long, Bucket> closed = new TreeMap<>();
    private final TreeSet<Long> changed = new TreeSet<>();
    private long lastSecond = Long.MIN_VALUE;
    private Bucket last;
    /** Points the newest closed second had: a second with as many is complete (0: not known yet). */
    private int expected;

    Series(Key key, Aggregation aggregation, boolean keepClosed) {
      this.key = key;
      this.aggregation = aggregation;
      this.keepClosed = keepClosed;
    }

    /** Adds a point; returns its open bucket if this point made it complete (see the class comment). */
    Bucket add(long second, double value, long closedBelow) {
      Bucket b;
      if (second == lastSecond) {
        b = last;
      } else if (second >= closedBelow) {
        b = open.computeIfAbsent(second, s -> new Bucket(false));
        lastSecond = second;
        last = b;
      } else {
        b = closed.computeIfAbsent(second, s -> new Bucket(true));
        changed.add(second);
        b.add(value);
        return null;
      }
      b.add(value);
      if (keepClosed && !b.offered && b.count == expected) {
        b.offered = true;
        return b;
      }
      return null;
    }

    GridPoint point(String primaryId, long second, Bucket b) {
      return new GridPoint(primaryId, key.name(), key.labels(), second, b.value(aggregation), b.partial);
    }

    void closeBelow(long watermark, String primaryId, List<GridPoint> out, List<GridPoint> early) {
      for (Long second : changed) {
        out.add(point(primaryId, second, closed.get(second)));
      }
      changed.clear();
      while (!open.isEmpty() && open.firstKey() < watermark) {
        Map.Entry<Long, Bucket> e = open.pollFirstEntry();
        Bucket b = e.getValue();
        GridPoint p = point(primaryId, e.getKey(), b);
        out.add(p);
        if (e.getKey() == lastSecond) {
          lastSecond = Long.MIN_VALUE;
          last = null;
        }
        if (keepClosed) {
          closed.put(e.getKey(), b);
          expected = b.count;
          if (!b.offered) {
            b.offered = true;
            early.add(p);
          }
        }
      }
      closed.headMap(watermark - REOPEN_SECONDS).clear();
    }
  }

  private static final class Bucket {
    final boolean partial;
    /** Offered early (or at its close) to {@link #takeEarly()}'s consumers. */
    boolean offered;
    double sum;
    double max = Double.NEGATIVE_INFINITY;
    double lastValue;
    int count;

    Bucket(boolean partial) {
      this.partial = partial;
    }

    void add(double v) {
      sum += v;
      max = Math.max(max, v);
      lastValue = v;
      count++;
    }

    double value(Aggregation aggregation) {
      return switch (aggregation) {
        case MEAN -> sum / count;
        case SUM -> sum;
        case MAX -> max;
        case LAST -> lastValue;
      };
    }
  }
}
