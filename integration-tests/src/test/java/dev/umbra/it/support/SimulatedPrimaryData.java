package dev.umbra.it.support;

import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.GetSeriesResponse;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.TelemetryBatch;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a {@link SimulatedPrimary} sends, and the check of what the shadow stored of it. A paced
 * primary's point {@code n} of series {@code i} is at {@code origin + n·pointPeriod} with the
 * integer value {@link #value(int, long)}; batch {@code k} holds points
 * {@code [(k-1)·ppb, k·ppb)} of every series. Integer values keep sums exact, so the expected
 * grid value of a second is bit for bit what the shadow computes.
 */
final class SimulatedPrimaryData {
  /**
   * The canonical series ({@code docs/architecture.md}, "Canonical series"), in a fixed order:
   * series {@code i} is this list's i-th.
   */
  static final List<String> CANONICAL_SERIES =
      List.of(
          "cpu.process", "cpu.machine", "mem.heap.used", "mem.heap.committed", "mem.rss",
          "mem.nonheap", "alloc.rate", "gc.pause", "io.disk.read", "io.disk.write", "io.net.rx",
          "io.net.tx", "io.disk.ops", "io.net.ops", "threads.live", "threads.blocked");

  /** Gauges keep the last point of a grid second; every other canonical series is a rate (mean). */
  private static final Set<String> GAUGES =
      Set.of("mem.heap.used", "mem.heap.committed", "mem.rss", "mem.nonheap", "threads.live", "threads.blocked");

  private SimulatedPrimaryData() {}

  /** The value of point {@code n} of series {@code i}: an integer, so sums are exact. */
  static double value(int i, long n) {
    return (double) ((n * 7919 + i * 104_729L) % 1000 + 1000L * (i + 1));
  }

  /** Batch {@code sequence} of a paced primary, without its sequence number. */
  static TelemetryBatch.Builder pacedBatch(long originMillis, long pointPeriodMillis, int ppb, long sequence) {
    TelemetryBatch.Builder batch = TelemetryBatch.newBuilder();
    for (int i = 0; i < CANONICAL_SERIES.size(); i++) {
      SeriesData.Builder data = SeriesData.newBuilder().setName(CANONICAL_SERIES.get(i));
      for (long n = (sequence - 1) * ppb; n < sequence * ppb; n++) {
        data.addTimeUnixMs(originMillis + n * pointPeriodMillis).addValues(value(i, n));
      }
      batch.addSeries(data);
    }
    return batch;
  }

  /** A flood batch: {@code ppb} points per series spread over (fromMillis, nowMillis]. */
  static TelemetryBatch.Builder floodBatch(long fromMillis, long nowMillis, int ppb) {
    TelemetryBatch.Builder batch = TelemetryBatch.newBuilder();
    for (int i = 0; i < CANONICAL_SERIES.size(); i++) {
      SeriesData.Builder data = SeriesData.newBuilder().setName(CANONICAL_SERIES.get(i));
      for (int j = 0; j < ppb; j++) {
        data.addTimeUnixMs(fromMillis + (nowMillis - fromMillis) * (j + 1) / ppb).addValues(j + i);
      }
      batch.addSeries(data);
    }
    return batch;
  }

  /** The grid value of series {@code i} over points [from, to): mean for rates, last for gauges. */
  static double expected(int i, long from, long to) {
    if (GAUGES.contains(CANONICAL_SERIES.get(i))) {
      return value(i, to - 1);
    }
    double sum = 0;
    for (long n = from; n < to; n++) {
      sum += value(i, n);
    }
    return sum / (to - from);
  }

  /** How far a paced primary got: a snapshot taken under its lock. */
  record Progress(
      String primaryId,
      long originMillis,
      long pointPeriodMillis,
      int pointsPerBatch,
      long produced,
      long highestAck,
      BitSet dropped,
      boolean stopped,
      long rejectedPoints,
      String firstRejection) {
    Progress {
      dropped = (BitSet) dropped.clone();
    }

    /** The grid seconds the acknowledged batches cover: each holds an acknowledged point. */
    TreeSet<Long> acknowledgedSeconds() {
      TreeSet<Long> seconds = new TreeSet<>();
      for (long k = 1; k <= Math.min(highestAck, produced); k++) {
        if (!dropped.get((int) k)) {
          seconds.add(second((k - 1) * pointsPerBatch));
          seconds.add(second(k * pointsPerBatch - 1));
        }
      }
      return seconds;
    }

    private long second(long pointIndex) {
      return Math.floorDiv(originMillis + pointIndex * pointPeriodMillis, 1000);
    }

    /**
     * Seconds all of whose produced points lie in acknowledged batches, with the range of point
     * indices in them. A second at the edge (its other points unacknowledged, dropped, or not yet
     * produced while the primary still runs) is only checked for presence.
     */
    Map<Long, long[]> completeSeconds(Set<Long> seconds) {
      Map<Long, long[]> complete = new HashMap<>();
      int ppb = pointsPerBatch;
      for (long second : seconds) {
        long firstIndex = Math.max(0, ceilDiv(second * 1000 - originMillis, pointPeriodMillis));
        long endIndex = ceilDiv((second + 1) * 1000 - originMillis, pointPeriodMillis);
        if (stopped) {
          endIndex = Math.min(endIndex, produced * ppb); // the primary stopped inside this second
        }
        boolean whole = firstIndex < endIndex && endIndex <= produced * ppb;
        for (long k = firstIndex / ppb + 1; whole && k <= (endIndex - 1) / ppb + 1; k++) {
          whole = k <= highestAck && !dropped.get((int) k);
        }
        if (whole) {
          complete.put(second, new long[] {firstIndex, endIndex});
        }
      }
      return complete;
    }

    /** See {@link SimulatedPrimary#verify(ControlServiceGrpc.ControlServiceBlockingStub, Set)}. */
    SimulatedPrimary.Verification verify(ControlServiceGrpc.ControlServiceBlockingStub control, Set<Long> only) {
      TreeSet<Long> seconds = acknowledgedSeconds();
      if (only != null) {
        seconds.retainAll(only);
      }
      Map<Long, long[]> complete = completeSeconds(seconds);
      List<String> problems = new ArrayList<>();
      int valuesChecked = 0;
      for (int i = 0; i < CANONICAL_SERIES.size() && !seconds.isEmpty(); i++) {
        String series = CANONICAL_SERIES.get(i);
        Map<Long, Double> stored = stored(control, series, seconds.first(), seconds.last());
        List<Long> missing = new ArrayList<>();
        for (long second : seconds) {
          Double actual = stored.get(second);
          long[] range = complete.get(second);
          if (actual == null) {
            missing.add(second);
          } else if (range != null) {
            valuesChecked++;
            double expected = expected(i, range[0], range[1]);
            if (Double.compare(actual, expected) != 0) {
              problems.add(
                  primaryId + " " + series + " second " + second + ": stored " + actual + ", expected "
                      + expected + " from points " + range[0] + ".." + (range[1] - 1));
            }
          }
        }
        if (!missing.isEmpty()) {
          problems.add(
              primaryId + " " + series + ": " + missing.size() + " acknowledged seconds missing, e.g. "
                  + missing.subList(0, Math.min(5, missing.size())));
        }
      }
      return new SimulatedPrimary.Verification(
          primaryId, seconds.size(), valuesChecked, rejectedPoints, firstRejection, problems);
    }

    private Map<Long, Double> stored(
        ControlServiceGrpc.ControlServiceBlockingStub control, String series, long first, long last) {
      GetSeriesResponse response =
          control.getSeries(
              GetSeriesRequest.newBuilder()
                  .setPrimaryId(primaryId)
                  .setSeries(series)
                  .setSinceUnixMs(first * 1000)
                  .setLimit((int) (last - first + 1))
                  .build());
      Map<Long, Double> stored = new HashMap<>();
      for (int j = 0; j < response.getTimeUnixMsCount(); j++) {
        stored.put(response.getTimeUnixMs(j) / 1000, response.getValues(j));
      }
      return stored;
    }
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
