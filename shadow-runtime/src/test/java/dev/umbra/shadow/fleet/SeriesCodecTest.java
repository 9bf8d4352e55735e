package dev.umbra.shadow.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.SeriesBatch;
import dev.umbra.shadow.series.GridPoint;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SeriesCodecTest {
  @Test
  void roundTripsSecondsAsPartialPoints_withMissingSecondsLeftOut() throws Exception {
    TreeMap<Long, Map<String, Double>> seconds = new TreeMap<>();
    seconds.put(100L, Map.of("cpu.process", 1.5, "mem.heap.used", 1e6));
    seconds.put(102L, Map.of("cpu.process", 2.5));

    SeriesBatch batch = SeriesBatch.parseFrom(
        SeriesCodec.batch("w1", "p1", "shadow-a", seconds, 7, 123_000).toByteArray());

    assertThat(batch.getFirstSecond()).isEqualTo(100);
    assertThat(batch.getSeconds()).isEqualTo(3);
    assertThat(batch.getBatchSequence()).isEqualTo(7);
    assertThat(SeriesCodec.pointCount(batch)).isEqualTo(3);
    assertThat(SeriesCodec.points(batch))
        .extracting(GridPoint::series, GridPoint::epochSecond, GridPoint::value, GridPoint::partial)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(dev.umbra.shadow.series.SeriesName.of("cpu.process"), 100L, 1.5, true),
            org.assertj.core.groups.Tuple.tuple(dev.umbra.shadow.series.SeriesName.of("cpu.process"), 102L, 2.5, true),
            org.assertj.core.groups.Tuple.tuple(dev.umbra.shadow.series.SeriesName.of("mem.heap.used"), 100L, 1e6, true));
  }

  @Test
  void skipsSeriesThisBuildDoesNotKnow() {
    TreeMap<Long, Map<String, Double>> seconds = new TreeMap<>();
    seconds.put(5L, Map.of("not.canonical", 1.0));
    assertThat(SeriesCodec.points(SeriesCodec.batch("w", "p", "s", seconds, 1, 0))).isEmpty();
  }
}
