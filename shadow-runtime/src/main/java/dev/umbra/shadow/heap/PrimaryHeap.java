package dev.umbra.shadow.heap;

import java.util.List;
import java.util.Optional;

/**
 * What the shadow holds of one primary's heap.
 *
 * @param snapshots its class histograms, oldest first
 * @param oldObjects its old-object samples, most recently seen first
 */
public record PrimaryHeap(List<HeapSnapshot> snapshots, List<OldObject> oldObjects) {
  public PrimaryHeap {
    snapshots = List.copyOf(snapshots);
    oldObjects = List.copyOf(oldObjects);
  }

  public static PrimaryHeap empty() {
    return new PrimaryHeap(List.of(), List.of());
  }

  public Optional<HeapSnapshot> newest() {
    return snapshots.isEmpty() ? Optional.empty() : Optional.of(snapshots.get(snapshots.size() - 1));
  }

  /** The newest {@code limit} snapshots and old objects: what a query shows. */
  public PrimaryHeap newest(int snapshotLimit, int classLimit, int oldObjectLimit) {
    List<HeapSnapshot> s = snapshots.subList(Math.max(0, snapshots.size() - snapshotLimit), snapshots.size());
    return new PrimaryHeap(s.stream().map(h -> h.top(classLimit)).toList(),
        oldObjects.subList(0, Math.min(oldObjectLimit, oldObjects.size())));
  }
}
