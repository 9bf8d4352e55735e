package dev.umbra.shadow.ingest;

import dev.umbra.proto.v1.Capabilities;
import dev.umbra.proto.v1.ClassBytes;
import dev.umbra.proto.v1.ClassProfile;
import dev.umbra.proto.v1.Event;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.JvmInfo;
import dev.umbra.proto.v1.OldObjectSample;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.TelemetryBatch;
import dev.umbra.shadow.heap.ClassCount;
import dev.umbra.shadow.heap.HeapSnapshot;
import dev.umbra.shadow.heap.HeapStore;
import dev.umbra.shadow.heap.OldObject;
import dev.umbra.shadow.series.SeriesName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Where the wire ({@code dev.umbra.proto.v1}) meets the ingest domain: validates what agents
 * send and turns it into identities and grid points.
 */
final class WireMapping {
  /** Points further ahead of the shadow's clock than this are refused. */
  static final long MAX_FUTURE_MILLIS = 5 * 60_000L;
  /** Points older than this are refused (an agent buffers minutes, not days). */
  static final long MAX_AGE_MILLIS = 24 * 3_600_000L;

  private static final int MAX_ID_LENGTH = 256;
  private static final int MAX_LABELS = 8;
  private static final int MAX_LABEL_LENGTH = 256;
  /** Longer class names and frames (none the JVM makes in practice) are refused. */
  static final int MAX_CLASS_NAME_LENGTH = 1024;

  private WireMapping() {}

  /**
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  static AgentHello toHello(Hello hello) {
    PrimaryIdentity identity = toIdentity(hello);
    Optional<SessionSecret> secret =
        hello.getSessionSecret().isEmpty()
            ? Optional.empty()
            : Optional.of(SessionSecret.of(hello.getSessionSecret().toByteArray()));
    return new AgentHello(identity, secret, hello.getNextSequence());
  }

  /**
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  static PrimaryIdentity toIdentity(Hello hello) {
    requireId("hello.primary_id", hello.getPrimaryId());
    requireId("hello.workload", hello.getWorkload());
    JvmInfo jvm = hello.getJvm();
    Capabilities caps = hello.getCapabilities();
    return new PrimaryIdentity(
        hello.getPrimaryId(),
        hello.getWorkload(),
        hello.getWorkloadName().isEmpty() ? jvm.getMain() : hello.getWorkloadName(),
        hello.getHost(),
        hello.getPid(),
        hello.getJvmStartUnixMs(),
        hello.getAgentVersion(),
        switch (hello.getSampling().getCriticality()) {
          case CRITICALITY_LOW -> PrimaryIdentity.ReportedCriticality.LOW;
          case CRITICALITY_NORMAL -> PrimaryIdentity.ReportedCriticality.NORMAL;
          case CRITICALITY_HIGH -> PrimaryIdentity.ReportedCriticality.HIGH;
          case CRITICALITY_UNSPECIFIED, UNRECOGNIZED -> PrimaryIdentity.ReportedCriticality.UNKNOWN;
        },
        new PrimaryIdentity.JvmFacts(
            jvm.getJavaVersion(),
            jvm.getVmVendor(),
            jvm.getVmName(),
            jvm.getMain(),
            jvm.getInputArgumentsList(),
            jvm.getGarbageCollectorsList(),
            jvm.getMaxHeapBytes(),
            jvm.getAvailableProcessors(),
            jvm.getContainerCpuLimitCores(),
            jvm.getContainerMemoryLimitBytes(),
            jvm.getOs()),
        new PrimaryIdentity.AgentCapabilities(
            caps.getJfr(),
            caps.getIoHooks(),
            caps.getCrac(),
            caps.getCheckpointEnginesList(),
            caps.getCheckpointablesList(),
            caps.getManageableFlagsList()));
  }

  private static void requireId(String field, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " is missing");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(field + " is longer than " + MAX_ID_LENGTH + " characters");
    }
  }

  /** What happened to the points of one batch. */
  static final class BatchOutcome {
    long accepted;
    long rejected;
    String firstRejection;
    /** The newest second any accepted point fell into; MIN_VALUE when none. */
    long maxSecond = Long.MIN_VALUE;
    final Map<String, Long> rejectedByReason = new TreeMap<>();

    /** Counts refused points; the detail is built only for the first refusal, which the Ack reports. */
    void reject(String reason, long count, Supplier<String> detail) {
      if (count <= 0) {
        return;
      }
      rejected += count;
      rejectedByReason.merge(reason, count, Long::sum);
      if (firstRejection == null) {
        firstRejection = detail.get();
      }
    }
  }

  /** Validates every point of {@code batch} and adds the good ones to {@code grid}. */
  static BatchOutcome addPoints(TelemetryBatch batch, GridAccumulator grid, long nowMillis) {
    BatchOutcome outcome = new BatchOutcome();
    for (SeriesData data : batch.getSeriesList()) {
      int n = data.getValuesCount();
      SeriesName name;
      try {
        name = SeriesName.of(data.getName());
      } catch (IllegalArgumentException e) {
        outcome.reject("bad_series", n, () -> "series: " + e.getMessage());
        continue;
      }
      if (data.getTimeUnixMsCount() != n) {
        SeriesName bad = name;
        outcome.reject("bad_series", Math.max(n, data.getTimeUnixMsCount()),
            () -> bad + ": " + data.getTimeUnixMsCount() + " times but " + n + " values");
        continue;
      }
      String labels;
      try {
        labels = labels(data.getLabelsMap());
      } catch (IllegalArgumentException e) {
        SeriesName bad = name;
        outcome.reject("bad_labels", n, () -> bad + ": " + e.getMessage());
        continue;
      }
      GridAccumulator.Series series = grid.series(name, labels);
      if (series == null) {
        SeriesName bad = name;
        outcome.reject("too_many_series", n, () -> bad + ": more than " + GridAccumulator.MAX_SERIES + " series");
        continue;
      }
      for (int i = 0; i < n; i++) {
        long t = data.getTimeUnixMs(i);
        double v = data.getValues(i);
        if (!Double.isFinite(v)) {
          SeriesName bad = name;
          outcome.reject("non_finite", 1, () -> bad + " at " + t + ": value is " + v);
        } else if (t > nowMillis + MAX_FUTURE_MILLIS) {
          SeriesName bad = name;
          outcome.reject("future", 1, () -> bad + " at " + t + ": " + (t - nowMillis) / 1000 + " s in the future");
        } else if (t < nowMillis - MAX_AGE_MILLIS) {
          SeriesName bad = name;
          outcome.reject("too_old", 1, () -> bad + " at " + t + ": " + (nowMillis - t) / 3_600_000 + " h old");
        } else {
          grid.add(series, t, v);
          outcome.accepted++;
          outcome.maxSecond = Math.max(outcome.maxSecond, Math.floorDiv(t, 1000));
        }
      }
    }
    return outcome;
  }

  /** "k=v,k=v" sorted by key; "" for none. */
  static String labels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "";
    }
    if (labels.size() > MAX_LABELS) {
      throw new IllegalArgumentException(labels.size() + " labels, at most " + MAX_LABELS);
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().length() > MAX_LABEL_LENGTH || e.getValue().length() > MAX_LABEL_LENGTH) {
        throw new IllegalArgumentException("label '" + e.getKey() + "' is empty or too long");
      }
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(e.getKey()).append('=').append(e.getValue().replace(",", "%2C"));
    }
    return sb.toString();
  }

  /** What {@link #addHeapEvents} did with a batch's heap events. */
  record HeapEvents(int kept, int badTime, int malformed) {}

  /**
   * Keeps the batch's class histograms and old-object samples in {@code heap}; an event with a
   * bad time (as for points) or a malformed row is skipped whole and counted.
   */
  static HeapEvents addHeapEvents(TelemetryBatch batch, String primaryId, HeapStore heap, long nowMillis) {
    int kept = 0;
    int badTime = 0;
    int malformed = 0;
    List<OldObject> oldObjects = new ArrayList<>();
    for (Event event : batch.getEventsList()) {
      boolean heapEvent = event.getKindCase() == Event.KindCase.CLASS_HISTOGRAM
          || event.getKindCase() == Event.KindCase.OLD_OBJECT;
      if (!heapEvent) {
        continue; // other events are not kept (yet)
      }
      long t = event.getTimeUnixMs();
      if (t <= 0 || t > nowMillis + MAX_FUTURE_MILLIS || t < nowMillis - MAX_AGE_MILLIS) {
        badTime++;
        continue;
      }
      try {
        if (event.getKindCase() == Event.KindCase.CLASS_HISTOGRAM) {
          heap.add(primaryId, toSnapshot(t, event.getClassHistogram()));
        } else {
          oldObjects.add(toOldObject(t, event.getOldObject()));
        }
        kept++;
      } catch (IllegalArgumentException e) {
        malformed++; // the points of the batch are not affected
      }
    }
    heap.add(primaryId, oldObjects);
    return new HeapEvents(kept, badTime, malformed);
  }

  /**
   * @throws IllegalArgumentException for a row without a class, with a negative size or a class twice
   */
  static HeapSnapshot toSnapshot(long timeUnixMs, ClassProfile histogram) {
    List<ClassCount> classes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ClassBytes c : histogram.getClassesList()) {
      requireClassName(c.getClassName());
      if (seen.add(c.getClassName())) {
        classes.add(new ClassCount(c.getClassName(), c.getBytes(), c.getCount()));
      }
    }
    return new HeapSnapshot(Instant.ofEpochMilli(timeUnixMs), classes, histogram.getOtherBytes());
  }

  /**
   * @throws IllegalArgumentException for a sample without a class or with an overlong frame
   */
  static OldObject toOldObject(long timeUnixMs, OldObjectSample sample) {
    requireClassName(sample.getClassName());
    for (String frame : sample.getAllocationFramesList()) {
      if (frame.length() > MAX_CLASS_NAME_LENGTH) {
        throw new IllegalArgumentException("old_object.allocation_frames: a frame is longer than " + MAX_CLASS_NAME_LENGTH);
      }
    }
    return new OldObject(Instant.ofEpochMilli(timeUnixMs), sample.getClassName(),
        sample.getAllocationUnixMs() > 0 ? Optional.of(Instant.ofEpochMilli(sample.getAllocationUnixMs()))
            : Optional.empty(),
        sample.getHeapUsedBytes(),
        sample.getAllocationFramesList().subList(0, Math.min(HeapStore.FRAMES_KEPT, sample.getAllocationFramesCount())));
  }

  private static void requireClassName(String name) {
    if (name.isBlank() || name.length() > MAX_CLASS_NAME_LENGTH) {
      throw new IllegalArgumentException("class_name is blank or longer than " + MAX_CLASS_NAME_LENGTH);
    }
  }
}
