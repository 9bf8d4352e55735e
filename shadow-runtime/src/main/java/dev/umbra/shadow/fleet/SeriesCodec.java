package dev.umbra.shadow.fleet;

import dev.umbra.proto.v1.SeriesBatch;
import dev.umbra.proto.v1.SeriesColumn;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.series.GridPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeSet;

/** {@code SeriesBatch} records to and from grid seconds: the one place both meet. */
final class SeriesCodec {
  private SeriesCodec() {}

  /**
   * One batch of consecutive seconds; a series missing in a second is NaN there.
   *
   * @param seconds values by second and series name
   */
  static SeriesBatch batch(String workload, String primaryId, String shadow,
      NavigableMap<Long, ? extends Map<String, Double>> seconds, long sequence, long nowMillis) {
    long first = seconds.firstKey();
    int count = (int) (seconds.lastKey() - first + 1);
    TreeSet<String> names = new TreeSet<>();
    seconds.values().forEach(m -> names.addAll(m.keySet()));
    SeriesBatch.Builder b = SeriesBatch.newBuilder()
        .setWorkload(workload)
        .setPrimaryId(primaryId)
        .setShadow(shadow)
        .setFirstSecond(first)
        .setSeconds(count)
        .setPublishedUnixMs(nowMillis)
        .setBatchSequence(sequence);
    for (String name : names) {
      SeriesColumn.Builder c = SeriesColumn.newBuilder().setSeries(name);
      for (int i = 0; i < count; i++) {
        Map<String, Double> values = seconds.get(first + i);
        Double v = values == null ? null : values.get(name);
        c.addValues(v == null ? Double.NaN : v);
      }
      b.addColumns(c);
    }
    return b.build();
  }

  /**
   * The canonical grid points of a batch, marked partial: they fill seconds a shadow lacks and
   * never replace a value it has. Unknown series, NaN and non-finite values are skipped.
   */
  static List<GridPoint> points(SeriesBatch batch) {
    List<GridPoint> out = new ArrayList<>();
    for (SeriesColumn c : batch.getColumnsList()) {
      Canonical canonical = Canonical.byName(c.getSeries());
      if (canonical == null) {
        continue;
      }
      int n = Math.min(c.getValuesCount(), batch.getSeconds());
      for (int i = 0; i < n; i++) {
        double v = c.getValues(i);
        if (Double.isFinite(v)) {
          out.add(new GridPoint(batch.getPrimaryId(), canonical.seriesName(), "", batch.getFirstSecond() + i, v, true));
        }
      }
    }
    return out;
  }

  /** Points in a batch with a value. */
  static long pointCount(SeriesBatch batch) {
    long n = 0;
    for (SeriesColumn c : batch.getColumnsList()) {
      for (double v : c.getValuesList()) {
        if (!Double.isNaN(v)) {
          n++;
        }
      }
    }
    return n;
  }
}
