package dev.umbra.shadow.heap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HeapStoreTest {
  private final HeapStore store = new HeapStore();

  static HeapSnapshot snapshot(long second, ClassCount... classes) {
    return new HeapSnapshot(Instant.ofEpochSecond(second), List.of(classes), 0);
  }

  static OldObject old(long second, String className, String... frames) {
    return new OldObject(Instant.ofEpochSecond(second), className, Optional.of(Instant.ofEpochSecond(1)), 1 << 20,
        List.of(frames));
  }

  @Nested
  class Snapshots {
    @Test
    void keepsThemOldestFirst_whateverTheOrderTheyArrive() {
      store.add("p", snapshot(20, new ClassCount("B", 2, 1)));
      store.add("p", snapshot(10, new ClassCount("A", 1, 1)));
      assertThat(store.get("p").orElseThrow().snapshots()).extracting(s -> s.at().getEpochSecond()).containsExactly(10L, 20L);
    }

    @Test
    void dropsTheOldest_pastTheBound() {
      for (int i = 0; i < HeapStore.SNAPSHOTS_KEPT + 5; i++) {
        store.add("p", snapshot(i, new ClassCount("A", i, 1)));
      }
      List<HeapSnapshot> kept = store.get("p").orElseThrow().snapshots();
      assertThat(kept).hasSize(HeapStore.SNAPSHOTS_KEPT);
      assertThat(kept.get(0).at().getEpochSecond()).isEqualTo(5);
    }

    @Test
    void keepsTheLargestClasses_andCountsTheRestAsOtherBytes() {
      List<ClassCount> many = IntStream.range(0, HeapStore.CLASSES_KEPT + 10)
          .mapToObj(i -> new ClassCount("C" + i, 100 + i, 1)).toList();
      store.add("p", new HeapSnapshot(Instant.ofEpochSecond(1), many, 7));
      HeapSnapshot kept = store.get("p").orElseThrow().snapshots().get(0);
      assertThat(kept.classes()).hasSize(HeapStore.CLASSES_KEPT);
      assertThat(kept.classes().get(0).className()).isEqualTo("C" + (HeapStore.CLASSES_KEPT + 9));
      assertThat(kept.otherBytes()).isEqualTo(7 + IntStream.range(0, 10).map(i -> 100 + i).sum());
      assertThat(kept.totalBytes()).isEqualTo(7 + many.stream().mapToLong(ClassCount::bytes).sum());
    }

    @Test
    void replacesASnapshotOfTheSameMoment() {
      store.add("p", snapshot(1, new ClassCount("A", 1, 1)));
      store.add("p", snapshot(1, new ClassCount("B", 2, 1)));
      assertThat(store.get("p").orElseThrow().snapshots()).singleElement()
          .satisfies(s -> assertThat(s.classes()).extracting(ClassCount::className).containsExactly("B"));
    }
  }

  @Nested
  class OldObjects {
    @Test
    void keepsTheMostRecentlySeen_firstAndOnce() {
      store.add("p", List.of(old(1, "A", "a.A.f:1"), old(2, "B", "b.B.g:2")));
      store.add("p", List.of(old(3, "A", "a.A.f:1")));
      assertThat(store.get("p").orElseThrow().oldObjects())
          .extracting(o -> o.className() + "@" + o.seen().getEpochSecond()).containsExactly("A@3", "B@2");
    }

    @Test
    void dropsTheLeastRecentlySeen_pastTheBound_andCutsLongStacks() {
      List<OldObject> samples = new ArrayList<>();
      for (int i = 0; i < HeapStore.OLD_OBJECTS_KEPT + 3; i++) {
        samples.add(old(i, "C" + i, IntStream.range(0, 40).mapToObj(f -> "x.Y.f:" + f).toArray(String[]::new)));
      }
      store.add("p", samples);
      List<OldObject> kept = store.get("p").orElseThrow().oldObjects();
      assertThat(kept).hasSize(HeapStore.OLD_OBJECTS_KEPT);
      assertThat(kept.get(0).className()).isEqualTo("C" + (HeapStore.OLD_OBJECTS_KEPT + 2));
      assertThat(kept.get(kept.size() - 1).className()).isEqualTo("C3");
      assertThat(kept).allSatisfy(o -> assertThat(o.frames()).hasSize(HeapStore.FRAMES_KEPT));
    }
  }

  @Nested
  class Primaries {
    @Test
    void anUnknownPrimary_hasNothing() {
      assertThat(store.get("nope")).isEmpty();
    }

    @Test
    void dropsThePrimaryWrittenLongestAgo_pastTheBound_andReadsDoNotCount() {
      for (int i = 0; i < HeapStore.PRIMARIES_KEPT; i++) {
        store.add("p" + i, snapshot(1, new ClassCount("A", 1, 1)));
      }
      store.get("p0"); // a read does not keep it
      store.add("p1", snapshot(2, new ClassCount("A", 2, 1))); // a write does
      store.add("new", snapshot(1, new ClassCount("A", 1, 1)));
      store.add("newer", snapshot(1, new ClassCount("A", 1, 1)));
      assertThat(store.get("p0")).isEmpty();
      assertThat(store.get("p2")).isEmpty();
      assertThat(store.get("p1")).isPresent();
      assertThat(store.get("newer")).isPresent();
    }

    @Test
    void forgetsAPrimary() {
      store.add("p", snapshot(1, new ClassCount("A", 1, 1)));
      store.forget("p");
      assertThat(store.get("p")).isEmpty();
    }
  }
}
