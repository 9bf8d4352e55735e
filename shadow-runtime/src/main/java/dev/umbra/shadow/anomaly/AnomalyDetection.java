package dev.umbra.shadow.anomaly;

import dev.umbra.shadow.ingest.GridListener;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.metrics.ShadowMetrics;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.threads.ShadowThreads;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector in the shadow: told of each primary's canonical grid seconds on the ingest tick
 * thread as soon as they are complete (an early listener: it does not wait for ingest's
 * lateness), it copies their points and scores them on its own thread ({@code
 * umbra-anomaly-detect-1}), one {@link PrimaryDetector} per primary, one step per grid second.
 * New anomalies go to the {@link AnomalyLog}, and so to its subscribers: the checkpoint
 * coordinator first (no checkpoint taken before an anomaly becomes known-good), then the alerts,
 * the actions and the watch streams.
 */
public final class AnomalyDetection implements GridListener, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(AnomalyDetection.class);

  private final AnomalyLog log;
  private final ShadowMetrics metrics;
  private final Clock clock;
  private final DetectorSettings settings;
  private final Map<String, PrimaryScoring> detectors = new HashMap<>();
  private final ExecutorService worker =
      new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
          ShadowThreads.factory("anomaly-detect", true));

  public AnomalyDetection(
      AnomalyLog log, ShadowMetrics metrics, Clock clock, DetectorSettings settings) {
    this.log = log;
    this.metrics = metrics;
    this.clock = clock;
    this.settings = settings;
  }

  /** The smallest change that matters, by unit: below it, no value is surprising. */
  static double absoluteFloor(Canonical series) {
    switch (series) {
      case MEM_HEAP_COMMITTED, MEM_RSS -> {
        return 32 << 20; // capacity the JVM resizes on its own: only large moves matter
      }
      case MEM_HEAP_USED, MEM_NONHEAP -> {
        return 16 << 20;
      }
      default -> {
        // by unit below
      }
    }
    return switch (series.unit()) {
      case "cores" -> 0.03;
      case "bytes" -> 8 << 20;
      case "bytes/s" -> 64 << 10;
      case "ms/s" -> 20;
      case "ops/s" -> 5;
      case "threads" -> 3;
      default -> 0;
    };
  }

  /**
   * Series that describe the host rather than the primary: another process's load moves them, so
   * they only join an incident of the primary's own series (see {@link PrimaryDetector}).
   */
  static final Set<String> CONTEXT = Set.of(Canonical.CPU_MACHINE.seriesName().value());

  /**
   * The heap used right after each garbage collection, bytes: sent by the agent once per gauge
   * tick in which a collection ended. Not a canonical series (it has no value most seconds), but
   * scored: the live set's growth, which a leak causes, is what the heap's sawtooth hides. Its
   * detector counts collections, not seconds ({@link DetectorSettings#PER_COLLECTION}).
   */
  public static final String HEAP_AFTER_GC = "mem.heap.after_gc";

  /** Whether the shadow scores this series: the canonical ones and {@link #HEAP_AFTER_GC}. */
  static boolean scored(String series) {
    return Canonical.byName(series) != null || HEAP_AFTER_GC.equals(series);
  }

  /** What the detector of a canonical series knows about it. */
  static SeriesTraits traits(Canonical series) {
    boolean rate = series.unit().endsWith("/s") || series.unit().equals("cores");
    return new SeriesTraits(series.unit(), absoluteFloor(series), rate ? SeriesTraits.Nature.RATE : SeriesTraits.Nature.LEVEL);
  }

  /**
   * A detector for the series of one primary, as the shadow runs it: canonical series with their
   * traits, {@link #HEAP_AFTER_GC} per collection, any other series (a NAB file's values) generic.
   */
  public static PrimaryDetector newPrimaryDetector(DetectorSettings settings) {
    return new PrimaryDetector(settings, name -> {
      Canonical c = Canonical.byName(name);
      if (c != null) {
        return new SeriesDetector(name, traits(c), settings);
      }
      if (HEAP_AFTER_GC.equals(name)) {
        return new SeriesDetector(name, new SeriesTraits("bytes", 16 << 20, SeriesTraits.Nature.LEVEL),
            DetectorSettings.PER_COLLECTION);
      }
      return new SeriesDetector(name, new SeriesTraits("", 0, SeriesTraits.Nature.GENERIC), settings);
    }, CONTEXT);
  }

  @Override
  public void onGrid(PrimarySession session, List<GridPoint> points) {
    TreeMap<Long, Map<String, Double>> seconds = new TreeMap<>();
    for (GridPoint p : points) {
      if (p.canonical() && !p.partial() && scored(p.series().value())) {
        seconds.computeIfAbsent(p.epochSecond(), s -> new LinkedHashMap<>()).put(p.series().value(), p.value());
      }
    }
    if (seconds.isEmpty()) {
      return;
    }
    String primaryId = session.primaryId();
    String workload = session.identity().workload();
    try {
      worker.execute(() -> {
        try {
          score(primaryId, workload, seconds);
        } catch (RuntimeException e) {
          logger.warn("anomaly detection failed primary={}", primaryId, e);
        }
      });
    } catch (RejectedExecutionException e) {
      // closed: the shadow is shutting down and ingest closes its last seconds
    }
  }

  private void score(String primaryId, String workload, TreeMap<Long, Map<String, Double>> seconds) {
    PrimaryScoring scoring = detectors.computeIfAbsent(primaryId, p -> new PrimaryScoring(settings));
    for (Map.Entry<Long, Map<String, Double>> e : seconds.entrySet()) {
      long start = System.nanoTime();
      Optional<PrimaryDetector.Step> scored = scoring.observe(e.getKey(), e.getValue());
      if (scored.isEmpty()) {
        continue;
      }
      metrics.detectorSeconds.observe((System.nanoTime() - start) / 1e9);
      PrimaryDetector.Step step = scored.get();
      step.started().ifPresent(incident -> {
        Anomaly a = anomaly(primaryId, workload, incident, clock.instant());
        log.publish(a);
      });
      // related series, or a trend that took the lead: the kept anomaly says so (detected when first told)
      step.grown().ifPresent(incident -> log.list(primaryId, 0, Integer.MAX_VALUE).stream()
          .filter(a -> a.id().equals(id(primaryId, incident)))
          .findFirst()
          .ifPresent(a -> log.update(anomaly(primaryId, workload, incident, a.detected()))));
    }
  }

  private static String id(String primaryId, Incident incident) {
    return primaryId + "-" + incident.number();
  }

  static Anomaly anomaly(String primaryId, String workload, Incident incident, Instant detected) {
    SeriesAlarm lead = incident.lead();
    return new Anomaly(id(primaryId, incident), primaryId, workload, lead.series(), incident.related(), lead.kind(),
        Instant.ofEpochSecond(lead.onsetStep()), detected, Instant.ofEpochSecond(lead.decidedStep()),
        lead.score(), lead.observed(), lead.expectedLow(), lead.expectedHigh(),
        lead.explanation());
  }

  @Override
  public void close() {
    worker.shutdown();
    try {
      if (!worker.awaitTermination(2, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
