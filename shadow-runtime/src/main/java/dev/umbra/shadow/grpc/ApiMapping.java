package dev.umbra.shadow.grpc;

import dev.umbra.proto.v1.Capabilities;
import dev.umbra.proto.v1.CheckpointInfo;
import dev.umbra.proto.v1.CheckpointState;
import dev.umbra.proto.v1.Criticality;
import dev.umbra.proto.v1.JvmInfo;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.PrimaryState;
import dev.umbra.shadow.checkpoint.CheckpointManifest;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.ingest.PrimaryView;
import dev.umbra.shadow.ingest.Sessions;
import dev.umbra.shadow.series.SeriesName;
import io.grpc.Status;

/** Domain ↔ API messages, and the request checks every service shares. */
final class ApiMapping {
  private ApiMapping() {}

  /** At most this many characters of a client's own input are echoed back in an error. */
  static final int MAX_ECHO_CHARS = 128;

  static PrimarySession requirePrimary(Sessions sessions, String primaryId) {
    if (primaryId.isBlank()) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription("primary_id is missing"));
    }
    return sessions
        .get(primaryId)
        .orElseThrow(() -> new ApiException(Status.NOT_FOUND.withDescription("no primary " + echo(primaryId))));
  }

  /** A client's input as an error text may quote it: at most {@link #MAX_ECHO_CHARS}, then an ellipsis. */
  static String echo(String input) {
    return truncate(input, MAX_ECHO_CHARS);
  }

  /** {@code text} cut to {@code max} characters plus "…" when longer; a surrogate pair is not split. */
  static String truncate(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end) + "…";
  }

  static SeriesName requireSeries(String series) {
    if (series.isBlank()) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription("series is missing"));
    }
    try {
      return SeriesName.of(series);
    } catch (IllegalArgumentException e) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription("series: " + echo(e.getMessage())));
    }
  }

  static CheckpointInfo toProto(CheckpointManifest m) {
    return CheckpointInfo.newBuilder()
        .setCheckpointId(m.id())
        .setPrimaryId(m.primaryId())
        .setWorkload(m.workload())
        .setEngine(m.engine())
        .setState(
            switch (m.trust()) {
              case TAKEN -> CheckpointState.CHECKPOINT_STATE_TAKEN;
              case KNOWN_GOOD -> CheckpointState.CHECKPOINT_STATE_KNOWN_GOOD;
              case CORRUPT -> CheckpointState.CHECKPOINT_STATE_CORRUPT;
            })
        .setCreatedUnixMs(m.created().toEpochMilli())
        .setSizeBytes(m.sizeBytes())
        .setSha256(m.sha256())
        .build();
  }

  static Primary toProto(PrimaryView v) {
    PrimaryIdentity id = v.identity();
    PrimaryIdentity.JvmFacts jvm = id.jvm();
    PrimaryIdentity.AgentCapabilities caps = id.capabilities();
    return Primary.newBuilder()
        .setPrimaryId(id.primaryId())
        .setWorkload(id.workload())
        .setWorkloadName(id.workloadName())
        .setHost(id.host())
        .setPid(id.pid())
        .setState(
            switch (v.state()) {
              case CONNECTED -> PrimaryState.PRIMARY_STATE_CONNECTED;
              case DISCONNECTED -> PrimaryState.PRIMARY_STATE_DISCONNECTED;
              case GONE -> PrimaryState.PRIMARY_STATE_GONE;
            })
        .setConnectedUnixMs(v.connectedMillis())
        .setLastSeenUnixMs(v.lastSeenMillis())
        .setCriticality(
            switch (id.criticality()) {
              case LOW -> Criticality.CRITICALITY_LOW;
              case NORMAL -> Criticality.CRITICALITY_NORMAL;
              case HIGH -> Criticality.CRITICALITY_HIGH;
              case UNKNOWN -> Criticality.CRITICALITY_UNSPECIFIED;
            })
        .setLoss(v.loss())
        .setBatchesReceived(v.batchesReceived())
        .setBatchesLost(v.batchesLost())
        .setPointsReceived(v.pointsReceived())
        .setAgentVersion(id.agentVersion())
        .setJvm(
            JvmInfo.newBuilder()
                .setJavaVersion(jvm.javaVersion())
                .setVmVendor(jvm.vmVendor())
                .setVmName(jvm.vmName())
                .setMain(jvm.main())
                .addAllInputArguments(jvm.inputArguments())
                .addAllGarbageCollectors(jvm.garbageCollectors())
                .setMaxHeapBytes(jvm.maxHeapBytes())
                .setAvailableProcessors(jvm.availableProcessors())
                .setContainerCpuLimitCores(jvm.containerCpuLimitCores())
                .setContainerMemoryLimitBytes(jvm.containerMemoryLimitBytes())
                .setOs(jvm.os()))
        .setCapabilities(
            Capabilities.newBuilder()
                .setJfr(caps.jfr())
                .setIoHooks(caps.ioHooks())
                .setCrac(caps.crac())
                .addAllCheckpointEngines(caps.checkpointEngines())
                .addAllCheckpointables(caps.checkpointables())
                .addAllManageableFlags(caps.manageableFlags()))
        .build();
  }
}
