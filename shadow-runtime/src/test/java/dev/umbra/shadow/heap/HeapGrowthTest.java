package dev.umbra.shadow.heap;

import static dev.umbra.shadow.heap.HeapStoreTest.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HeapGrowthTest {
  private static final long MB = 1 << 20;

  @Nested
  class Ranking {
    @Test
    void ranksByBytesGrown_thenInstances_andLeavesOutWhatDidNotGrow() {
      HeapSnapshot before = snapshot(0, new ClassCount("Entry", 10 * MB, 1000), new ClassCount("[B", 50 * MB, 10),
          new ClassCount("String", 5 * MB, 500), new ClassCount("Node", 1 * MB, 10), new ClassCount("Tie", 1 * MB, 10));
      HeapSnapshot after = snapshot(60, new ClassCount("Entry", 58 * MB, 1_201_000), new ClassCount("[B", 53 * MB, 12),
          new ClassCount("String", 4 * MB, 400), new ClassCount("Node", 4 * MB, 10), new ClassCount("Tie", 4 * MB, 20));
      List<ClassGrowth> grown = HeapGrowth.grown(before, after, 10);
      assertThat(grown).extracting(ClassGrowth::className).containsExactly("Entry", "Tie", "[B", "Node");
      assertThat(grown.get(0)).isEqualTo(new ClassGrowth("Entry", 58 * MB, 1_201_000, 48 * MB, 1_200_000));
      assertThat(HeapGrowth.grown(before, after, 2)).hasSize(2);
    }

    @Test
    void aClassNewToAFullHistogram_growsFromZero() {
      HeapSnapshot before = snapshot(0, new ClassCount("A", 5 * MB, 5));
      HeapSnapshot after = snapshot(60, new ClassCount("A", 5 * MB, 5), new ClassCount("New", 8 * MB, 100));
      assertThat(HeapGrowth.grown(before, after, 5)).containsExactly(new ClassGrowth("New", 8 * MB, 100, 8 * MB, 100));
    }

    @Test
    void aClassBelowATruncatedHistogram_growsAtLeastFromItsSmallestListedClass() {
      HeapSnapshot before = new HeapSnapshot(Instant.ofEpochSecond(0),
          List.of(new ClassCount("A", 10 * MB, 5), new ClassCount("B", 2 * MB, 5)), 30 * MB);
      HeapSnapshot after = snapshot(60, new ClassCount("Risen", 12 * MB, 1200), new ClassCount("A", 10 * MB, 5));
      assertThat(HeapGrowth.between(before, after).get(0))
          .isEqualTo(new ClassGrowth("Risen", 12 * MB, 1200, 10 * MB, 1000));
    }

    @Test
    void nothingGrew_isEmpty() {
      HeapSnapshot same = snapshot(0, new ClassCount("A", MB, 1));
      assertThat(HeapGrowth.grown(same, snapshot(60, new ClassCount("A", MB, 1)), 3)).isEmpty();
    }
  }

  @Nested
  class Around {
    private final List<HeapSnapshot> kept = List.of(snapshot(100, new ClassCount("A", 1, 1)),
        snapshot(200, new ClassCount("A", 2, 1)), snapshot(300, new ClassCount("A", 3, 1)),
        snapshot(400, new ClassCount("A", 4, 1)));

    private long[] seconds(long onset, long until) {
      HeapGrowth.Pair p = HeapGrowth.around(kept, Instant.ofEpochSecond(onset), Instant.ofEpochSecond(until)).orElseThrow();
      return new long[] {p.before().at().getEpochSecond(), p.after().at().getEpochSecond()};
    }

    @Test
    void comparesTheNewestByTheDetection_withTheNewestAtOrBeforeTheOnset() {
      assertThat(seconds(250, 350)).containsExactly(200, 300);
      assertThat(seconds(200, 999)).containsExactly(200, 400);
    }

    @Test
    void withNoHistogramSinceTheOnset_comparesTheNewestWithTheOneBefore() {
      assertThat(seconds(330, 360)).containsExactly(200, 300);
    }

    @Test
    void withNoHistogramBeforeTheOnset_startsFromTheOldest() {
      assertThat(seconds(50, 350)).containsExactly(100, 300);
    }

    @Test
    void fewerThanTwoByTheDetection_isEmpty() {
      assertThat(HeapGrowth.around(kept, Instant.ofEpochSecond(50), Instant.ofEpochSecond(150))).isEmpty();
      assertThat(HeapGrowth.around(List.of(), Instant.EPOCH, Instant.ofEpochSecond(999))).isEmpty();
    }
  }

  @Test
  void aPairMustBeInOrder() {
    HeapSnapshot s = snapshot(1, new ClassCount("A", 1, 1));
    assertThatThrownBy(() -> new HeapGrowth.Pair(s, s)).isInstanceOf(IllegalArgumentException.class);
  }
}
