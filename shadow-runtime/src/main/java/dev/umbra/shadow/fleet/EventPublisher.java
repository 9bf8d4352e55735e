package dev.umbra.shadow.fleet;

import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.grpc.AnomalyMapping;
import dev.umbra.proto.v1.CheckpointChange;
import dev.umbra.proto.v1.CheckpointInfo;
import dev.umbra.proto.v1.CheckpointState;
import dev.umbra.proto.v1.FleetEvent;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointManifest;
import dev.umbra.shadow.grpc.DecisionMapping;
import dev.umbra.shadow.manager.Decision;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Publishes anomalies, resource decisions and checkpoint metadata to {@link Topics#EVENTS},
 * keyed by workload, through the {@link Outbox}. The consumers it hands out never block and
 * may be called from any thread (the detector's, the resource manager's, the checkpoint
 * coordinator's); an event whose primary this shadow does not know is keyed by its primary id.
 */
public final class EventPublisher {
  private final Outbox outbox;
  private final String shadow;
  private final Function<String, Optional<String>> workloadOf;
  private final Clock clock;

  EventPublisher(Outbox outbox, String shadow, Function<String, Optional<String>> workloadOf, Clock clock) {
    this.outbox = outbox;
    this.shadow = shadow;
    this.workloadOf = workloadOf;
    this.clock = clock;
  }

  /** Where the detector hands each new anomaly. */
  public Consumer<Anomaly> anomalies() {
    return a -> publish(a.workload(), a.primaryId(), FleetEvent.newBuilder().setAnomaly(AnomalyMapping.toProto(a)));
  }

  /** Where the resource manager hands each decision (applied or not). */
  public Consumer<Decision> decisions() {
    return d -> publish("", d.primaryId(), FleetEvent.newBuilder().setDecision(DecisionMapping.toProto(d)));
  }

  /**
   * Where the checkpoint coordinator tells of each checkpoint taken, promoted to known-good,
   * demoted or restored: its metadata (never its content) with {@code checkpoint_change}.
   */
  public CheckpointCoordinator.Listener checkpoints() {
    return (change, m) -> publish(m.workload(), m.primaryId(),
        FleetEvent.newBuilder().setCheckpoint(info(m)).setCheckpointChange(switch (change) {
          case TAKEN -> CheckpointChange.CHECKPOINT_CHANGE_TAKEN;
          case PROMOTED -> CheckpointChange.CHECKPOINT_CHANGE_PROMOTED;
          case DEMOTED -> CheckpointChange.CHECKPOINT_CHANGE_DEMOTED;
          case RESTORED -> CheckpointChange.CHECKPOINT_CHANGE_RESTORED;
        }));
  }

  static CheckpointInfo info(CheckpointManifest m) {
    return CheckpointInfo.newBuilder()
        .setCheckpointId(m.id())
        .setPrimaryId(m.primaryId())
        .setWorkload(m.workload())
        .setEngine(m.engine())
        .setState(switch (m.trust()) {
          case TAKEN -> CheckpointState.CHECKPOINT_STATE_TAKEN;
          case KNOWN_GOOD -> CheckpointState.CHECKPOINT_STATE_KNOWN_GOOD;
          case CORRUPT -> CheckpointState.CHECKPOINT_STATE_CORRUPT;
        })
        .setCreatedUnixMs(m.created().toEpochMilli())
        .setSizeBytes(m.sizeBytes())
        .setSha256(m.sha256())
        .build();
  }

  private void publish(String workload, String primaryId, FleetEvent.Builder event) {
    String key = !workload.isEmpty() ? workload : workloadOf.apply(primaryId).orElse(primaryId);
    FleetEvent e = event.setWorkload(key).setPrimaryId(primaryId).setShadow(shadow).setTimeUnixMs(clock.millis()).build();
    outbox.offer(new Outbox.Item(Topics.EVENTS, key, e.toByteArray(), 0, System.nanoTime()));
  }
}
