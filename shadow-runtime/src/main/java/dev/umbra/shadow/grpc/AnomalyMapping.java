package dev.umbra.shadow.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.umbra.proto.v1.AnomalyKind;
import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.anomaly.Kind;

/**
 * The one conversion between the domain {@link Anomaly} and the {@code umbra.v1.Anomaly} message,
 * for the edges that speak the wire type: the gRPC API, the Kafka events topic (the fleet) and the
 * alert webhook, whose body {@code Shadow} wires to {@link #toJson} (the message's JSON mapping).
 */
public final class AnomalyMapping {
  private AnomalyMapping() {}

  public static dev.umbra.proto.v1.Anomaly toProto(Anomaly a) {
    return dev.umbra.proto.v1.Anomaly.newBuilder()
        .setId(a.id())
        .setPrimaryId(a.primaryId())
        .setWorkload(a.workload())
        .setSeries(a.series())
        .addAllRelatedSeries(a.relatedSeries())
        .setKind(toProto(a.kind()))
        .setOnsetUnixMs(a.onset().toEpochMilli())
        .setDetectedUnixMs(a.detected().toEpochMilli())
        .setEvidenceUnixMs(a.evidence().toEpochMilli())
        .setScore(a.score())
        .setObserved(a.observed())
        .setExpectedLow(a.expectedLow())
        .setExpectedHigh(a.expectedHigh())
        .setExplanation(a.explanation())
        .build();
  }

  /** The message's proto3 JSON mapping, compact: the alert webhook's documented body. */
  public static String toJson(Anomaly a) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(toProto(a));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("umbra.v1.Anomaly has no JSON mapping: " + e.getMessage(), e); // only for Any fields
    }
  }

  public static AnomalyKind toProto(Kind kind) {
    return switch (kind) {
      case SPIKE -> AnomalyKind.ANOMALY_KIND_SPIKE;
      case LEVEL_SHIFT -> AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT;
      case TREND -> AnomalyKind.ANOMALY_KIND_TREND;
      case STALL -> AnomalyKind.ANOMALY_KIND_STALL;
    };
  }
}
