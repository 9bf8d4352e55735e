package dev.umbra.shadow.heap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The class histograms and old-object samples of each primary, in memory and bounded: per
 * primary the newest {@link #SNAPSHOTS_KEPT} snapshots of at most {@link #CLASSES_KEPT} classes
 * and the {@link #OLD_OBJECTS_KEPT} most recently seen old objects (stacks cut to {@link
 * #FRAMES_KEPT} frames), for at most {@link #PRIMARIES_KEPT} primaries (the one written longest
 * ago goes first). A class row holds about 150 bytes and a frame about 100, so a primary costs
 * about 30 × 30 × 150 + 20 × 16 × 100 bytes ≈ 170 KB and the whole store at most ≈ 17 MB.
 * Nothing is written to disk: after a restart the history starts again with the next histogram.
 *
 * <p>Thread-safe: ingest writes on gRPC threads; the detector, gRPC calls and the dashboard read.
 */
public final class HeapStore {
  /** Snapshots per primary: 2.5 h at the agent's default 5 min period, 30 min at 1 min. */
  public static final int SNAPSHOTS_KEPT = 30;
  /** Classes per snapshot (the agent sends {@code top.classes}, 20 by default); the rest count as other bytes. */
  public static final int CLASSES_KEPT = 30;
  public static final int OLD_OBJECTS_KEPT = 20;
  public static final int FRAMES_KEPT = 16;
  public static final int PRIMARIES_KEPT = 100;

  private static final class Heap {
    final TreeMap<Instant, HeapSnapshot> snapshots = new TreeMap<>();
    /** By identity, in the order last seen (newest last). */
    final LinkedHashMap<OldObject.Identity, OldObject> oldObjects = new LinkedHashMap<>();
  }

  private final List<BiConsumer<String, HeapSnapshot>> listeners =
      new CopyOnWriteArrayList<>();

  /**
   * Calls {@code listener} with each snapshot kept from now on, after it is kept, on the writer's
   * thread (ingest's gRPC thread): it must be quick and must not throw.
   */
  public void addListener(BiConsumer<String, HeapSnapshot> listener) {
    listeners.add(listener);
  }

  /** In the order last written (newest last). */
  private final LinkedHashMap<String, Heap> byPrimary = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Heap> eldest) {
      return size() > PRIMARIES_KEPT;
    }
  };

  /**
   * Keeps a snapshot (its largest {@link #CLASSES_KEPT} classes); one at the same moment is
   * replaced. Then tells the listeners.
   */
  public void add(String primaryId, HeapSnapshot snapshot) {
    HeapSnapshot kept = snapshot.top(CLASSES_KEPT);
    synchronized (this) {
      Heap heap = written(primaryId);
      heap.snapshots.put(kept.at(), kept);
      while (heap.snapshots.size() > SNAPSHOTS_KEPT) {
        heap.snapshots.pollFirstEntry();
      }
    }
    listeners.forEach(l -> l.accept(primaryId, kept));
  }

  /** Keeps old-object samples; one seen before (same class, allocation time and stack) is refreshed. */
  public synchronized void add(String primaryId, List<OldObject> samples) {
    if (samples.isEmpty()) {
      return;
    }
    Heap heap = written(primaryId);
    samples.stream().sorted(Comparator.comparing(OldObject::seen)).forEach(o -> {
      OldObject cut = o.frames().size() <= FRAMES_KEPT ? o
          : new OldObject(o.seen(), o.className(), o.allocated(), o.heapUsedBytes(), o.frames().subList(0, FRAMES_KEPT));
      heap.oldObjects.remove(cut.identity());
      heap.oldObjects.put(cut.identity(), cut);
    });
    while (heap.oldObjects.size() > OLD_OBJECTS_KEPT) {
      heap.oldObjects.remove(heap.oldObjects.keySet().iterator().next());
    }
  }

  /** The primary's heap, moved to the newest end of the eviction order. */
  private Heap written(String primaryId) {
    Heap heap = byPrimary.remove(primaryId);
    byPrimary.put(primaryId, heap == null ? new Heap() : heap);
    return byPrimary.get(primaryId);
  }

  /** What is kept of {@code primaryId}'s heap; empty when nothing arrived (or it was dropped). */
  public synchronized Optional<PrimaryHeap> get(String primaryId) {
    Heap heap = byPrimary.get(primaryId);
    if (heap == null) {
      return Optional.empty();
    }
    List<OldObject> old = new ArrayList<>(heap.oldObjects.values());
    Collections.reverse(old);
    return Optional.of(new PrimaryHeap(List.copyOf(heap.snapshots.values()), old));
  }

  /** Drops what is kept of a primary. */
  public synchronized void forget(String primaryId) {
    byPrimary.remove(primaryId);
  }
}
