package dev.umbra.shadow.series;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentSeriesTest {
  private final RecentSeries ring = new RecentSeries(SeriesName.of("cpu.process"), 4);

  @Test
  void returnsWhatItHolds_withNaNForMissingSeconds() {
    ring.put(100, 1);
    ring.put(102, 3);
    SeriesWindow w = ring.window(100, 103);
    assertThat(w.firstSecond()).isEqualTo(100);
    assertThat(w.values()).containsExactly(1, Double.NaN, 3);
    assertThat(ring.coveredFrom()).isEqualTo(100);
  }

  @Test
  void forgetsSecondsThatFellOutOfTheWindow() {
    for (long s = 100; s < 110; s++) {
      ring.put(s, s);
    }
    assertThat(ring.coveredFrom()).isEqualTo(106);
    SeriesWindow w = ring.window(100, 110);
    assertThat(w.firstSecond()).isEqualTo(106);
    assertThat(w.values()).containsExactly(106, 107, 108, 109);
  }

  @Test
  void clearsSkippedSeconds_insteadOfShowingStaleValues() {
    ring.put(100, 1);
    ring.put(101, 2);
    ring.put(105, 5); // 102..104 never came; slots of 101 and 100 are reused
    assertThat(ring.window(102, 106).values()).containsExactly(Double.NaN, Double.NaN, Double.NaN, 5);
  }

  @Test
  void ignoresAPointOlderThanTheWindow() {
    ring.put(200, 1);
    ring.put(150, 9);
    assertThat(ring.window(150, 201).values()).containsExactly(Double.NaN, Double.NaN, Double.NaN, 1);
  }

  @Test
  void fillsAGapWithAPartialSecond_butNeverReplacesAValue_norAnswersBeforeItsStart() {
    ring.putIfMissing(100, 9); // an empty ring does not know second 100: history answers
    assertThat(ring.coveredFrom()).isEqualTo(Long.MAX_VALUE);
    ring.put(101, 1);
    ring.put(103, 3);
    ring.putIfMissing(101, 9);
    ring.putIfMissing(102, 2);
    ring.putIfMissing(100, 9);
    assertThat(ring.window(101, 104).values()).containsExactly(1, 2, 3);
    assertThat(ring.coveredFrom()).isEqualTo(101);
  }
}
