package dev.umbra.shadow.heap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which classes grew between two histograms of a primary, ranked. Pure. */
public final class HeapGrowth {
  /** Largest byte growth first, then instance growth, then name: a stable order for equal rows. */
  static final Comparator<ClassGrowth> RANKING = Comparator.comparingLong(ClassGrowth::bytesGrowth).reversed()
      .thenComparing(Comparator.comparingLong(ClassGrowth::instancesGrowth).reversed())
      .thenComparing(ClassGrowth::className);

  private HeapGrowth() {}

  /** Two histograms of one primary, {@code before} taken earlier than {@code after}. */
  public record Pair(HeapSnapshot before, HeapSnapshot after) {
    public Pair {
      if (!before.at().isBefore(after.at())) {
        throw new IllegalArgumentException("before " + before.at() + " is not earlier than after " + after.at());
      }
    }

    /** The {@code limit} classes that grew most in bytes between the two. */
    public List<ClassGrowth> grown(int limit) {
      return HeapGrowth.grown(before, after, limit);
    }
  }

  /**
   * Every class of {@code after} with its change since {@code before}, ranked (largest growth
   * first; classes that shrank last). A class {@code before} did not list counts from 0 when
   * {@code before} left nothing out, else from its smallest listed class (a lower bound on the
   * growth, never an overstatement).
   */
  public static List<ClassGrowth> between(HeapSnapshot before, HeapSnapshot after) {
    Map<String, ClassCount> earlier = before.byName();
    long ceiling = before.truncated() ? before.smallestListedBytes() : 0;
    List<ClassGrowth> out = new ArrayList<>();
    for (ClassCount now : after.classes()) {
      ClassCount then = earlier.get(now.className());
      long bytesThen;
      long instancesThen;
      if (then != null) {
        bytesThen = then.bytes();
        instancesThen = then.instances();
      } else {
        bytesThen = Math.min(ceiling, now.bytes());
        instancesThen = now.bytes() == 0 ? 0 : (long) Math.ceil((double) bytesThen * now.instances() / now.bytes());
      }
      out.add(new ClassGrowth(now.className(), now.bytes(), now.instances(), now.bytes() - bytesThen,
          now.instances() - instancesThen));
    }
    out.sort(RANKING);
    return List.copyOf(out);
  }

  /** The {@code limit} classes that grew most in bytes between the two; only those that grew. */
  public static List<ClassGrowth> grown(HeapSnapshot before, HeapSnapshot after, int limit) {
    return between(before, after).stream().filter(g -> g.bytesGrowth() > 0).limit(limit).toList();
  }

  /**
   * The histograms to compare for a change that began at {@code onset} and was seen by {@code
   * until}: the newest taken by {@code until}, and the newest taken at or before {@code onset}
   * that is older (or, when no histogram was taken between the onset and {@code until}, the one
   * before it); empty when fewer than two fit.
   */
  public static Optional<Pair> around(List<HeapSnapshot> oldestFirst, Instant onset,
      Instant until) {
    HeapSnapshot after = null;
    int afterIndex = -1;
    for (int i = oldestFirst.size() - 1; i >= 0; i--) {
      if (!oldestFirst.get(i).at().isAfter(until)) {
        after = oldestFirst.get(i);
        afterIndex = i;
        break;
      }
    }
    if (after == null || afterIndex == 0) {
      return Optional.empty();
    }
    for (int i = afterIndex - 1; i >= 0; i--) {
      if (!oldestFirst.get(i).at().isAfter(onset)) {
        return Optional.of(new Pair(oldestFirst.get(i), after));
      }
    }
    // every earlier histogram is after the onset: the oldest kept is the nearest to it
    return Optional.of(new Pair(oldestFirst.get(0), after));
  }
}
