package dev.umbra.shadow.ingest;

import dev.umbra.shadow.series.GridPoint;
import java.util.List;

/**
 * Told about each primary's newly closed grid seconds (forecaster, detector, resource manager).
 * Called on the ingest tick thread: return quickly, hand heavy work to your own thread.
 */
@FunctionalInterface
public interface GridListener {
  void onGrid(PrimarySession session, List<GridPoint> points);
}
