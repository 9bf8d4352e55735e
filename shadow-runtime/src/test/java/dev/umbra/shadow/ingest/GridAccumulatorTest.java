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
}
