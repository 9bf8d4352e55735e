package dev.umbra.shadow.fleet;

import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.CheckpointInfo;
import dev.umbra.proto.v1.Decision;
import dev.umbra.proto.v1.FleetEvent;
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
    return a -> publish(a.getWorkload(), a.getPrimaryId(), FleetEvent.newBuilder().setAnomaly(a));
  }

  /** Where the resource manager hands each decision (applied or not). */
  public Consumer<Decision> decisions() {
    return d -> publish("", d.getPrimaryId(), FleetEvent.newBuilder().setDecision(d));
  }

  /** Where the checkpoint coordinator hands each checkpoint's metadata when it changes state. */
  public Consumer<CheckpointInfo> checkpoints() {
    return c -> publish(c.getWorkload(), c.getPrimaryId(), FleetEvent.newBuilder().setCheckpoint(c));
  }

  private void publish(String workload, String primaryId, FleetEvent.Builder event) {
    String key = !workload.isEmpty() ? workload : workloadOf.apply(primaryId).orElse(primaryId);
    FleetEvent e = event.setWorkload(key).setPrimaryId(primaryId).setShadow(shadow).setTimeUnixMs(clock.millis()).build();
    outbox.offer(new Outbox.Item(Topics.EVENTS, key, e.toByteArray(), 0, System.nanoTime()));
  }
}
