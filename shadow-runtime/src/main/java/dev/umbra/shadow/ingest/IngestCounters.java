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

  void batchesLost(long n) {
    metrics.ingestBatchesLost.inc(n);
  }

  void streamError(String code) {
    metrics.ingestStreamErrors.labelValues(code).inc();
  }
}
