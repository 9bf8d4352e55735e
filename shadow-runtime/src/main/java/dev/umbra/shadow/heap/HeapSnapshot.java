package dev.umbra.shadow.heap;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A heap class histogram of one primary at one moment: its largest classes, largest first.
 *
 * @param at when the agent took it
 * @param classes the largest classes by bytes, largest first (sorted here), each class once
 * @param otherBytes bytes of the classes left out
 */
public record HeapSnapshot(Instant at, List<ClassCount> classes, long otherBytes) {
  public HeapSnapshot {
    Objects.requireNonNull(at, "at");
    classes = classes.stream().sorted(Comparator.comparingLong(ClassCount::bytes).reversed()
        .thenComparing(ClassCount::className)).toList();
    if (classes.stream().map(ClassCount::className).distinct().count() != classes.size()) {
      throw new IllegalArgumentException("snapshot at " + at + " names a class twice");
    }
    if (otherBytes < 0) {
      throw new IllegalArgumentException("snapshot at " + at + ": otherBytes " + otherBytes + " is negative");
    }
  }

  /** The same snapshot with only its {@code limit} largest classes; the rest join {@link #otherBytes}. */
  public HeapSnapshot top(int limit) {
    if (classes.size() <= limit) {
      return this;
    }
    long dropped = classes.subList(limit, classes.size()).stream().mapToLong(ClassCount::bytes).sum();
    return new HeapSnapshot(at, classes.subList(0, limit), otherBytes + dropped);
  }

  /** Whether classes were left out: then a class not listed may still hold up to {@link #smallestListedBytes}. */
  public boolean truncated() {
    return otherBytes > 0;
  }

  /** The bytes of the smallest listed class; 0 when none is listed. */
  public long smallestListedBytes() {
    return classes.isEmpty() ? 0 : classes.get(classes.size() - 1).bytes();
  }

  /** The bytes on the heap the snapshot accounts for: its classes and the rest. */
  public long totalBytes() {
    return classes.stream().mapToLong(ClassCount::bytes).sum() + otherBytes;
  }

  public Optional<ClassCount> find(String className) {
    return classes.stream().filter(c -> c.className().equals(className)).findFirst();
  }

  /** Its classes by name. */
  Map<String, ClassCount> byName() {
    Map<String, ClassCount> out = new HashMap<>();
    classes.forEach(c -> out.put(c.className(), c));
    return out;
  }
}
