package dev.umbra.shadow.anomaly;

import dev.umbra.shadow.heap.ClassGrowth;
import dev.umbra.shadow.heap.HeapGrowth;
import dev.umbra.shadow.heap.HeapStore;
import dev.umbra.shadow.heap.OldObject;
import dev.umbra.shadow.heap.PrimaryHeap;
import dev.umbra.shadow.series.Canonical;
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
 * thread; reads the {@link HeapStore}, which is thread-safe.
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

  @Override
  public Anomaly apply(Anomaly a) {
    if (!isHeapGrowth(a)) {
      return a;
    }
    return evidence(a).map(text -> new Anomaly(a.id(), a.primaryId(), a.workload(), a.series(), a.relatedSeries(),
        a.kind(), a.onset(), a.detected(), a.evidence(), a.score(), a.observed(), a.expectedLow(), a.expectedHigh(),
        a.explanation().isEmpty() ? text : a.explanation() + "; " + text)).orElse(a);
  }

  /** A rise of a heap series: it leads the incident upwards, or it joins a rising one. */
  static boolean isHeapGrowth(Anomaly a) {
    if (a.kind() == Kind.STALL) {
      return false;
    }
    boolean rising = a.observed() > a.expectedHigh();
    return HEAP_SERIES.contains(a.series()) ? rising : rising && a.relatedSeries().stream().anyMatch(HEAP_SERIES::contains);
  }

  /** The sentence naming the grown classes; empty without two histograms or a class that grew. */
  Optional<String> evidence(Anomaly a) {
    Optional<PrimaryHeap> kept = heap.get(a.primaryId());
    if (kept.isEmpty()) {
      return Optional.empty();
    }
    Optional<HeapGrowth.Pair> pair = HeapGrowth.around(kept.get().snapshots(), a.onset(), a.detected());
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
