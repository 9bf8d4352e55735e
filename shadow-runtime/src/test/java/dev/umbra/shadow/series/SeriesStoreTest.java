package dev.umbra.shadow.series;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.metrics.ShadowMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeriesStoreTest {
  private static final SeriesName RSS = SeriesName.of("mem.rss");
  private final MutableClock clock = MutableClock.at("2027-01-15T08:00:00Z");
  @TempDir Path data;

  private SeriesStore open() {
    return new SeriesStore(data, new Retention(Duration.ofHours(1), Duration.ofDays(1)), 60, clock, new ShadowMetrics());
  }

  private static PrimaryRecord record(long durable) {
    return new PrimaryRecord("p", "wl", "Main", "h", 1, 0, 0, 0, "v", durable);
  }

  @Test
  void runsOnDurable_afterTheCommit_andKeepsDataAcrossARestart() throws Exception {
    long t = clock.millis() / 1000;
    AtomicInteger durable = new AtomicInteger();
    try (SeriesStore store = open()) {
      store.submit(new WriteGroup(List.of(new GridPoint("p", RSS, "", t, 7)), List.of(record(3)), durable::incrementAndGet));
      store.awaitDurable(Duration.ofSeconds(5));
      assertThat(durable).hasValue(1);
    }
    try (SeriesStore store = open()) {
      assertThat(store.window("p", RSS, t, t + 1).values()).containsExactly(7);
      assertThat(store.knownPrimaries()).extracting(PrimaryRecord::durableSequence).containsExactly(3L);
    }
  }

  @Test
  void readsTheNewestValueOfASecondWrittenTwice() throws Exception {
    long t = clock.millis() / 1000;
    try (SeriesStore store = open()) {
      store.submit(new WriteGroup(List.of(new GridPoint("p", RSS, "", t, 1)), List.of(record(1)), () -> {}));
      store.awaitDurable(Duration.ofSeconds(5));
      store.submit(new WriteGroup(List.of(new GridPoint("p", RSS, "", t, 2)), List.of(record(2)), () -> {}));
      store.awaitDurable(Duration.ofSeconds(5));
    }
    try (SeriesStore store = open()) {
      assertThat(store.window("p", RSS, t, t + 1).values()).containsExactly(2);
    }
  }

  @Test
  void neverReplacesACompleteSecond_withAPartialOne_butFillsAGap() throws Exception {
    long t = clock.millis() / 1000;
    try (SeriesStore store = open()) {
      store.submit(new WriteGroup(List.of(new GridPoint("p", RSS, "", t, 1)), List.of(record(1)), () -> {}));
      store.submit(new WriteGroup(
          List.of(new GridPoint("p", RSS, "", t, 9, true), new GridPoint("p", RSS, "", t + 1, 5, true)),
          List.of(record(2)), () -> {}));
      assertThat(store.window("p", RSS, t, t + 2).values()).containsExactly(1, 5); // from memory
      store.awaitDurable(Duration.ofSeconds(5));
    }
    try (SeriesStore store = open()) {
      assertThat(store.window("p", RSS, t, t + 2).values()).containsExactly(1, 5); // from history
    }
  }

  @Test
  void answersFromMemoryAndHistoryTogether() throws Exception {
    long t = clock.millis() / 1000;
    try (SeriesStore store = open()) {
      store.submit(new WriteGroup(List.of(new GridPoint("p", RSS, "", t, 1)), List.of(record(1)), () -> {}));
      store.awaitDurable(Duration.ofSeconds(5));
    }
    try (SeriesStore store = open()) { // a new process: memory starts empty
      store.submit(new WriteGroup(List.of(new GridPoint("p", RSS, "", t + 2, 3)), List.of(), () -> {}));
      assertThat(store.window("p", RSS, t, t + 3).values()).containsExactly(1, Double.NaN, 3);
    }
  }

  @Test
  void downsamplesToMinutes_andExpiresWhatIsOlderThanRetention() throws Exception {
    long now = clock.millis() / 1000;
    long twoHoursAgo = (now - 7200) / 60 * 60;
    List<GridPoint> points = new ArrayList<>();
    for (int i = 0; i < 120; i++) { // two minutes two hours ago: past the 1 h raw retention
      points.add(new GridPoint("p", RSS, "", twoHoursAgo + i, i < 60 ? 10 : 20));
    }
    points.add(new GridPoint("p", RSS, "", now - 2L * 86400, 99)); // past the 1 day minute retention
    points.add(new GridPoint("p", RSS, "", now - 10, 5)); // recent: stays raw
    try (SeriesStore store = open()) {
      store.submit(new WriteGroup(points, List.of(record(1)), () -> {}));
      store.awaitDurable(Duration.ofSeconds(5)); // the writer compacts on its first pass
      clock.advance(Duration.ofMinutes(11)); // and again 10 minutes later
      store.submit(new WriteGroup(List.of(), List.of(record(2)), () -> {}));
      store.awaitDurable(Duration.ofSeconds(5));
      store.awaitDurable(Duration.ofSeconds(5));
      assertThat(store.rowCounts()).containsEntry("points_1s", 1L).containsEntry("points_1m", 2L);
    }
  }
}
