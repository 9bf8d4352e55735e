package dev.umbra.shadow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.series.SeriesName;
import java.util.List;
import org.junit.jupiter.api.Test;

class GridAccumulatorTest {
  private final GridAccumulator grid = new GridAccumulator("p", Long.MIN_VALUE);
  private static final SeriesName CPU = SeriesName.of("cpu.process");
  private static final SeriesName HEAP = SeriesName.of("mem.heap.used");

  @Test
  void averagesRates_andKeepsTheLastGauge_perSecond() {
    grid.add(CPU, "", 10_000, 1.0);
    grid.add(CPU, "", 10_400, 3.0);
    grid.add(CPU, "", 11_000, 5.0);
    grid.add(HEAP, "", 10_100, 100);
    grid.add(HEAP, "", 10_900, 50);

    List<GridPoint> closed = grid.closeBelow(11);

    assertThat(closed)
        .containsExactlyInAnyOrder(
            new GridPoint("p", CPU, "", 10, 2.0), new GridPoint("p", HEAP, "", 10, 50));
    assertThat(grid.closeBelow(12)).containsExactly(new GridPoint("p", CPU, "", 11, 5.0));
  }

  @Test
  void correctsAClosedSecond_whenLatePointsArrive() {
    grid.add(CPU, "", 10_000, 1.0);
    assertThat(grid.closeBelow(11)).containsExactly(new GridPoint("p", CPU, "", 10, 1.0));

    assertThat(grid.add(CPU, "", 10_500, 3.0)).isNull(); // resent after a stream break
    assertThat(grid.add(CPU, "", 9_000, 7.0)).isNull(); // a second that had no point at all

    assertThat(grid.closeBelow(11))
        .containsExactly(new GridPoint("p", CPU, "", 9, 7.0, true), new GridPoint("p", CPU, "", 10, 2.0));
    assertThat(grid.closeBelow(12)).isEmpty(); // emitted once
  }

  @Test
  void startsAPartialSecond_whenALatePointIsOlderThanTheReopenWindow() {
    grid.add(CPU, "", 10_000, 1.0);
    grid.closeBelow(11 + GridAccumulator.REOPEN_SECONDS);
    grid.add(CPU, "", 10_000, 5.0);
    assertThat(grid.closeBelow(11 + GridAccumulator.REOPEN_SECONDS)).containsExactly(new GridPoint("p", CPU, "", 10, 5.0, true));
  }

  @Test
  void keepsLabelledSeriesApart() {
    grid.add(SeriesName.of("io.disk.read"), "path=/a", 0, 10);
    grid.add(SeriesName.of("io.disk.read"), "path=/b", 0, 20);
    assertThat(grid.closeBelow(1)).extracting(GridPoint::labels).containsExactlyInAnyOrder("path=/a", "path=/b");
  }

  @Test
  void refusesNewSeries_pastTheCardinalityGuard() {
    for (int i = 0; i < GridAccumulator.MAX_SERIES; i++) {
      assertThat(grid.add(CPU, "thread=" + i, 0, 1)).isNull();
    }
    assertThat(grid.add(CPU, "thread=one-too-many", 0, 1)).isEqualTo("too_many_series");
    assertThat(grid.add(CPU, "thread=0", 0, 2)).isNull(); // known series still accepted
  }

  @Test
  void handlesNegativeTimes_withFloorDivision() {
    grid.add(CPU, "", -1, 4.0); // 1969-12-31T23:59:59.999: second -1
    assertThat(grid.closeBelow(0)).containsExactly(new GridPoint("p", CPU, "", -1, 4.0));
  }

  @Test
  void offersACanonicalSecondEarly_onceItHasAsManyPointsAsThePreviousSecond() {
    grid.add(CPU, "", 10_300, 1.0);
    assertThat(grid.takeEarly()).isEmpty(); // nothing known about the series yet
    grid.closeBelow(11);
    assertThat(grid.takeEarly()).containsExactly(new GridPoint("p", CPU, "", 10, 1.0)); // offered at its close

    grid.add(CPU, "", 11_300, 2.0); // one point, as second 10 had: complete
    assertThat(grid.takeEarly()).containsExactly(new GridPoint("p", CPU, "", 11, 2.0));
    assertThat(grid.takeEarly()).isEmpty();

    grid.add(CPU, "", 11_700, 4.0); // a second point after the early offer: the store gets the mean
    assertThat(grid.closeBelow(12)).containsExactly(new GridPoint("p", CPU, "", 11, 3.0));
    assertThat(grid.takeEarly()).isEmpty(); // offered once

    grid.add(CPU, "", 12_100, 5.0); // second 11 had two points: one is not enough
    assertThat(grid.takeEarly()).isEmpty();
    grid.add(CPU, "", 12_600, 7.0);
    assertThat(grid.takeEarly()).containsExactly(new GridPoint("p", CPU, "", 12, 6.0));
  }

  @Test
  void offersASecondThatNeverCompletes_whenItCloses_andNeverLateOrLabelledOnes() {
    grid.add(HEAP, "", 10_000, 100);
    grid.add(HEAP, "", 10_500, 110);
    grid.closeBelow(11);
    grid.takeEarly();
    grid.add(HEAP, "", 11_000, 120); // one of two
    grid.add(SeriesName.of("io.disk.read"), "path=/a", 11_000, 10);
    grid.add(SeriesName.of("io.disk.read"), "path=/a", 11_500, 10);
    assertThat(grid.takeEarly()).isEmpty();
    grid.closeBelow(12);
    assertThat(grid.takeEarly()).containsExactly(new GridPoint("p", HEAP, "", 11, 120));

    grid.add(HEAP, "", 10_800, 130); // late: corrects the store's second 10, is not offered
    grid.add(HEAP, "", 5_000, 1); // late, a second never seen
    assertThat(grid.closeBelow(12)).hasSize(2);
    assertThat(grid.takeEarly()).isEmpty();
  }
}
