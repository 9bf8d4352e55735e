package dev.umbra.shadow.ingest;

import dev.umbra.shadow.metrics.ShadowMetrics;
import java.util.Map;

/** Ingest's view of the metrics: what sessions count. */
final class IngestCounters {
  private final ShadowMetrics metrics;

  IngestCounters(ShadowMetrics metrics) {
    this.metrics = metrics;
  }

  void batch(long acceptedPoints, Map<String, Long> rejectedByReason) {
    metrics.ingestBatches.inc();
    metrics.ingestPoints.inc(acceptedPoints);
    rejectedByReason.forEach((reason, n) -> metrics.ingestRejectedPoints.labelValues(reason).inc(n));
  }

  /** Heap events refused: {@code time} (outside the accepted window) or {@code malformed}. */
  void eventsRejected(String reason, long n) {
    if (n > 0) {
      metrics.ingestRejectedEvents.labelValues(reason).inc(n);
    }
  }

  void batchesLost(long n) {
    metrics.ingestBatchesLost.inc(n);
  }

  void streamError(String code) {
    metrics.ingestStreamErrors.labelValues(code).inc();
  }
}
