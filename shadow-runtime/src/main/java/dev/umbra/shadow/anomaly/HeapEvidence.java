package dev.umbra.shadow.anomaly;

import dev.umbra.shadow.heap.ClassGrowth;
import dev.umbra.shadow.heap.HeapGrowth;
import dev.umbra.shadow.heap.HeapStore;
import dev.umbra.shadow.heap.OldObject;
import dev.umbra.shadow.heap.PrimaryHeap;
import dev.umbra.shadow.series.Canonical;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Names the classes behind a heap-growth anomaly: for an anomaly that involves a heap series and
 * whose value rose above its band, the primary's class histogram nearest the detection is
 * compared with the one at or before the onset ({@link HeapGrowth#around}), and the classes
 * that grew most, with the allocation site of an old-object sample of the leading class when
 * there is one, are appended to the explanation: {@code "…; heap grows: com.example.Cache$Entry
 * +48 MB (+1.2 M instances), [B +3.1 MB (+210 instances) since 10:02:11 UTC; old objects of
 * com.example.Cache$Entry allocated at com.example.Cache.put:42"}. Other anomalies, and heap
 * anomalies without two histograms to compare or without a class that grew, pass unchanged.
 *
 * <p>Applied by the {@link AnomalyLog} to what it publishes and updates, on the publisher's
 * thread; reads the {@link HeapStore}, which is thread-safe. Histograms come minutes apart, so
 * a leak is often detected before a histogram taken after its onset exists: then the growth up
 * to the newest histogram is what the anomaly says at first, and {@link #late} replaces it with
 * the growth since the onset when the next histogram arrives ({@link #explainLater}).
 */
public final class HeapEvidence implements UnaryOperator<Anomaly> {
  /** The heap series whose rise a growing class explains. */
  static final Set<String> HEAP_SERIES = Set.of(AnomalyDetection.HEAP_AFTER_GC,
      Canonical.MEM_HEAP_USED.seriesName().value(), Canonical.MEM_HEAP_COMMITTED.seriesName().value());
  /** Classes named at most: the explanation stays one line. */
  static final int NAMED = 3;
  /** What precedes the evidence in the explanation. */
  static final String MARK = "heap grows: ";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final HeapStore heap;

  public HeapEvidence(HeapStore heap) {
    this.heap = heap;
  }

  /** How long after its detection an anomaly still gets evidence from a new histogram. */
  static final Duration LATE_FOR = Duration.ofMinutes(30);

  @Override
  public Anomaly apply(Anomaly a) {
    return isHeapGrowth(a) ? explained(a, a.detected()) : a;
  }

  /**
   * {@code a} explained by the histograms up to {@code newest} (a histogram that arrived after
   * it): a heap-growth anomaly detected at most {@link #LATE_FOR} before, without evidence or with
   * evidence only from histograms taken before its onset (then replaced); any other, or one no
   * class explains, is returned as it is.
   */
  public Anomaly late(Anomaly a, Instant newest) {
    if (!isHeapGrowth(a) || !newest.isAfter(a.detected()) || newest.isAfter(a.detected().plus(LATE_FOR))) {
      return a;
    }
    int mark = a.explanation().indexOf(MARK);
    if (mark >= 0 && sinceOnset(a)) {
      return a;
    }
    String base = mark < 0 ? a.explanation() : a.explanation().substring(0, Math.max(0, mark - 2)); // "; " before it
    Anomaly explained = explained(withExplanation(a, base), newest);
    return explained.explanation().equals(base) ? a : explained;
  }

  /** Whether a histogram taken after the onset (and by the detection) explained {@code a}. */
  private boolean sinceOnset(Anomaly a) {
    return heap.get(a.primaryId())
        .flatMap(h -> HeapGrowth.around(h.snapshots(), a.onset(), a.detected()))
        .map(pair -> pair.after().at().isAfter(a.onset()))
        .orElse(false);
  }

  /** Amends {@code log}'s anomalies of a primary with each histogram {@code heap} keeps from now on. */
  public void explainLater(AnomalyLog log) {
    heap.addListener((primaryId, snapshot) -> log.amend(primaryId, a -> late(a, snapshot.at())));
  }

  private Anomaly explained(Anomaly a, Instant until) {
    return evidence(a, until)
        .map(text -> withExplanation(a, a.explanation().isEmpty() ? text : a.explanation() + "; " + text))
        .orElse(a);
  }

  private static Anomaly withExplanation(Anomaly a, String explanation) {
    return new Anomaly(a.id(), a.primaryId(), a.workload(), a.series(), a.relatedSeries(), a.kind(), a.onset(),
        a.detected(), a.evidence(), a.score(), a.observed(), a.expectedLow(), a.expectedHigh(), explanation);
  }

  /** A rise of a heap series: it leads the incident upwards, or it joins a rising one. */
  static boolean isHeapGrowth(Anomaly a) {
    if (a.kind() == Kind.STALL) {
      return false;
    }
    boolean rising = a.observed() > a.expectedHigh();
    return HEAP_SERIES.contains(a.series()) ? rising : rising && a.relatedSeries().stream().anyMatch(HEAP_SERIES::contains);
  }

  /** The sentence naming the grown classes by {@code until}; empty without two histograms or a class that grew. */
  Optional<String> evidence(Anomaly a, Instant until) {
    Optional<PrimaryHeap> kept = heap.get(a.primaryId());
    if (kept.isEmpty()) {
      return Optional.empty();
    }
    Optional<HeapGrowth.Pair> pair = HeapGrowth.around(kept.get().snapshots(), a.onset(), until);
    if (pair.isEmpty()) {
      return Optional.empty();
    }
    List<ClassGrowth> grown = pair.get().grown(NAMED);
    if (grown.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder text = new StringBuilder(MARK);
    for (int i = 0; i < grown.size(); i++) {
      ClassGrowth g = grown.get(i);
      text.append(i == 0 ? "" : ", ").append(g.className()).append(" +").append(Units.format(g.bytesGrowth(), "bytes"));
      if (g.instancesGrowth() > 0) {
        text.append(" (+").append(count(g.instancesGrowth())).append(g.instancesGrowth() == 1 ? " instance)" : " instances)");
      }
    }
    text.append(" since ").append(TIME.format(pair.get().before().at())).append(" UTC");
    String lead = grown.get(0).className();
    kept.get().oldObjects().stream()
        .filter(o -> o.className().equals(lead))
        .map(OldObject::site)
        .flatMap(Optional::stream)
        .findFirst()
        .ifPresent(site -> text.append("; old objects of ").append(lead).append(" allocated at ").append(site));
    return Optional.of(text.toString());
  }

  /** "950", "12 k", "1.2 M": instance counts at a glance. */
  static String count(long n) {
    if (n >= 1_000_000) {
      return String.format(Locale.ROOT, n >= 10_000_000 ? "%.0f M" : "%.1f M", n / 1e6);
    }
    if (n >= 10_000) {
      return String.format(Locale.ROOT, "%.0f k", n / 1e3);
    }
    return Long.toString(n);
  }
}
