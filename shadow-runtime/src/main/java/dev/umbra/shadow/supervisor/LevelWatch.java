package dev.umbra.shadow.supervisor;

import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.AnomalyKind;
import dev.umbra.shadow.ingest.GridListener;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.series.GridPoint;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A stop-gap anomaly source for {@code umbra run} until the forecast-based detector is wired in
 * its place: per primary, it learns the peak of one series over its first {@code learnSeconds}
 * grid seconds, then reports a level shift when the series stays above {@code factor} × that
 * peak (and at least {@code minExcess} above it) for {@code sustainSeconds} seconds in a row. It
 * reports once per excursion and re-arms when the series falls back under the threshold. The
 * onset it reports is the second after the series last sat within the learnt range, so that
 * checkpoints taken during the climb are never trusted.
 * Called on the ingest tick thread; subscribers must return quickly.
 */
public final class LevelWatch implements GridListener {
  private final Canonical series;
  private final int learnSeconds;
  private final double factor;
  private final double minExcess;
  private final int sustainSeconds;
  private final Clock clock;
  private final List<Consumer<Anomaly>> subscribers = new CopyOnWriteArrayList<>();
  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private static final class State {
    int learned;
    double peak;
    int above;
    long onsetMillis;
    long lastWithinPeak;
    boolean armed = true;
  }

  LevelWatch(Canonical series, int learnSeconds, double factor, double minExcess, int sustainSeconds, Clock clock) {
    this.series = series;
    this.learnSeconds = learnSeconds;
    this.factor = factor;
    this.minExcess = minExcess;
    this.sustainSeconds = sustainSeconds;
    this.clock = clock;
  }

  /** Heap used: learns 10 s, fires above 2× the peak and 48 MiB over it, sustained 2 s. */
  public static LevelWatch heap(Clock clock) {
    return new LevelWatch(Canonical.MEM_HEAP_USED, 10, 2.0, 48.0 * (1 << 20), 2, clock);
  }

  /** Same contract as the detector's: every anomaly from now on goes to {@code subscriber}. */
  public void subscribe(Consumer<Anomaly> subscriber) {
    subscribers.add(subscriber);
  }

  @Override
  public void onGrid(PrimarySession session, List<GridPoint> points) {
    for (GridPoint p : points) {
      if (p.canonical() && p.series().equals(series.seriesName())) {
        observe(session.primaryId(), session.identity().workload(), p.epochSecond(), p.value());
      }
    }
  }

  void observe(String primaryId, String workload, long epochSecond, double value) {
    State s = states.computeIfAbsent(primaryId, id -> new State());
    if (s.learned < learnSeconds) {
      s.learned++;
      s.peak = Math.max(s.peak, value);
      s.lastWithinPeak = epochSecond;
      return;
    }
    if (value <= s.peak) {
      s.lastWithinPeak = epochSecond;
    }
    double threshold = Math.max(factor * s.peak, s.peak + minExcess);
    if (value <= threshold) {
      s.above = 0;
      s.armed = true;
      return;
    }
    if (s.above++ == 0) {
      // the climb began after the last second still within the learnt range
      s.onsetMillis = (s.lastWithinPeak + 1) * 1000;
    }
    if (s.armed && s.above >= sustainSeconds) {
      s.armed = false;
      Anomaly anomaly = Anomaly.newBuilder()
          .setId("levelwatch-" + ids.incrementAndGet())
          .setPrimaryId(primaryId)
          .setWorkload(workload)
          .setSeries(series.seriesName().value())
          .setKind(AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT)
          .setOnsetUnixMs(s.onsetMillis)
          .setDetectedUnixMs(clock.millis())
          .setScore(Math.min(1.0, 1.0 - s.peak / value))
          .setObserved(value)
          .setExpectedLow(0)
          .setExpectedHigh(threshold)
          .setExplanation(String.format(java.util.Locale.ROOT, "%s at %.0f for %d s, above %.0f (%.1f× the learnt peak %.0f)",
              series.seriesName().value(), value, s.above, threshold, value / Math.max(1, s.peak), s.peak))
          .build();
      subscribers.forEach(c -> c.accept(anomaly));
    }
  }
}
