package dev.umbra.shadow.anomaly;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Behaviour of a primary that its forecast said was unlikely: what the detector reports, the
 * anomaly log keeps, and alerts, auto-rollback, the dashboard and the demo act on. {@code
 * grpc.AnomalyMapping} turns it into the {@code umbra.v1.Anomaly} message at the gRPC, Kafka and webhook
 * edges; nothing else sees the wire type.
 *
 * @param id unique within the shadow
 * @param primaryId the primary it belongs to
 * @param workload that primary's workload ("" when not known)
 * @param series the series that led the incident
 * @param relatedSeries the other series of the same incident
 * @param kind what it looks like
 * @param onset when the unlikely behaviour began
 * @param detected when the detector reported it
 * @param evidence start of the newest grid second the detection used (delivery time minus this
 *     bounds the observation-to-alert latency)
 * @param score 0..1, higher is more surprising
 * @param observed the value at detection, in the series' unit
 * @param expectedLow the expected band's low end at detection
 * @param expectedHigh the expected band's high end at detection
 * @param explanation one line a person can read
 */
public record Anomaly(
    String id, String primaryId, String workload, String series, List<String> relatedSeries, Kind kind,
    Instant onset, Instant detected, Instant evidence, double score, double observed, double expectedLow,
    double expectedHigh, String explanation) {
  public Anomaly {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(series, "series");
    relatedSeries = List.copyOf(relatedSeries);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(onset, "onset");
    Objects.requireNonNull(detected, "detected");
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(explanation, "explanation");
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException(id + ": score " + score + " is not in 0..1");
    }
  }

  /** Whether the incident touched this series, as its lead or a related one. */
  public boolean involves(String name) {
    return series.equals(name) || relatedSeries.contains(name);
  }
}
