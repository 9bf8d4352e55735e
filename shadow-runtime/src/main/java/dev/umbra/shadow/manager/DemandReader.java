package dev.umbra.shadow.manager;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.series.Canonical;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads what the deciders see of a primary from its telemetry ({@link TelemetrySource}): usage,
 * history, the forecast of the peak over the lead time, a JVM's need. Decides nothing; runs on the
 * manager's thread.
 */
final class DemandReader {
  /** Telemetry older than this is not acted on. */
  static final Duration STALE = Duration.ofSeconds(15);
  /**
   * Seconds of heap history the live set is taken from: long enough to hold a collection of a busy
   * JVM, short enough to follow a growing live set (an idle JVM without a GC in it is
   * overestimated, which is the safe side).
   */
  static final int LIVE_SET_WINDOW = 20;
  /** Seconds of usage the latest usage is the maximum of. */
  static final int USAGE_WINDOW = 3;
  /** Seconds of usage searched for a period (periods up to a third of it are found). */
  static final int PERIODIC_WINDOW = 600;

  private final TelemetrySource telemetry;
  private final QuantileLevels levels;
  private final Horizon horizon;

  /**
   * @param lead how far ahead the forecast peak is taken (at least 1 s, on a 1 s grid)
   * @param confidence the quantile the deciders read, added to the forecast's levels
   */
  DemandReader(TelemetrySource telemetry, Duration lead, double confidence) {
    this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    Set<Double> q = new TreeSet<>(Set.of(0.05, 0.5, 0.9, 0.95, 0.99));
    q.add(confidence);
    this.levels = QuantileLevels.of(q.stream().mapToDouble(Double::doubleValue).toArray());
    this.horizon = new Horizon((int) Math.max(1, lead.toSeconds()), Duration.ofSeconds(1));
  }

  /**
   * A resource's demand as read, with the newest second and history it was read at; or, when the
   * series is missing or stale, no demand and why ({@code missing}).
   */
  record Reading(Optional<Demand> demand, String missing, long newest, double[] history) {}

  /**
   * The usage of {@code series} and the forecast of its peak over the lead time: from the
   * demand's own period when it repeats ({@link Periodicity}, over the last {@link
   * #PERIODIC_WINDOW} seconds), else from the forecast models.
   *
   * @param lastChange when the resource was last changed, or the primary first seen
   */
  Reading read(String primaryId, Canonical series, OptionalDouble current, Instant now, Optional<Instant> lastChange) {
    long newest = telemetry.newestSecond(primaryId, series);
    long age = now.getEpochSecond() - newest;
    if (newest == Long.MIN_VALUE || age > STALE.toSeconds()) {
      return new Reading(Optional.empty(), newest == Long.MIN_VALUE ? "no " + series + " telemetry yet"
          : "no fresh " + series + " telemetry (newest " + age + " s old)", newest, new double[0]);
    }
    double usage = Windows.max(telemetry.recent(primaryId, series, newest, USAGE_WINDOW));
    double[] history = telemetry.recent(primaryId, series, newest, PERIODIC_WINDOW);
    Optional<QuantileForecast> forecast = Periodicity.forecast(series.seriesName().value(), history,
        Instant.ofEpochSecond(newest), horizon, levels);
    String notReady = "";
    if (forecast.isEmpty()) {
      try {
        forecast = Optional.of(telemetry.forecast(primaryId, series, horizon, levels));
      } catch (InsufficientHistoryException | IllegalArgumentException e) {
        notReady = "forecast of " + series + " not ready: " + e.getMessage();
      }
    }
    return new Reading(Optional.of(new Demand(current, usage, forecast, notReady, now, lastChange)), "", newest,
        history);
  }

  /** The memory decision's input from the reading of {@code mem.rss}. */
  MemoryDecider.Input memory(String primaryId, Reading rss, Demand demand, long maxHeapBytes) {
    return new MemoryDecider.Input(demand, rss.history(), rssGrowth(primaryId, rss.newest()),
        jvmMemory(primaryId, rss.newest()), maxHeapBytes);
  }

  /** The newest second of the heap series when it is fresh. */
  OptionalLong freshHeapSecond(String primaryId, Instant now) {
    long newest = telemetry.newestSecond(primaryId, Canonical.MEM_HEAP_USED);
    return newest == Long.MIN_VALUE || now.getEpochSecond() - newest > STALE.toSeconds()
        ? OptionalLong.empty() : OptionalLong.of(newest);
  }

  /** The RSS over the last {@link MemoryDecider#GROWTH_WINDOW} seconds up to {@code newest}. */
  double[] rssGrowth(String primaryId, long newest) {
    return telemetry.recent(primaryId, Canonical.MEM_RSS, newest, MemoryDecider.GROWTH_WINDOW);
  }

  /** A JVM's need from its heap and RSS series over the last {@link #LIVE_SET_WINDOW} seconds. */
  Optional<JvmMemory> jvmMemory(String p, long newest) {
    return JvmMemory.estimate(
        telemetry.recent(p, Canonical.MEM_HEAP_USED, newest, LIVE_SET_WINDOW),
        telemetry.recent(p, Canonical.MEM_HEAP_COMMITTED, newest, LIVE_SET_WINDOW),
        telemetry.recent(p, Canonical.MEM_RSS, newest, LIVE_SET_WINDOW),
        telemetry.recent(p, Canonical.MEM_NONHEAP, newest, LIVE_SET_WINDOW));
  }
}
