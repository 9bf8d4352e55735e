package dev.umbra.shadow.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.CheckpointChange;
import dev.umbra.proto.v1.CheckpointState;
import dev.umbra.proto.v1.FleetEvent;
import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointManifest;
import dev.umbra.shadow.checkpoint.CheckpointStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint coordinator's changes reach {@code umbra.events.v1} through the publisher and the outbox. */
class CheckpointEventsTest {
  private final MutableClock clock = MutableClock.at("2027-01-01T00:00:00Z");
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final Outbox outbox = new Outbox(producer, 1 << 20, 1 << 20, new FleetMetrics(new PrometheusRegistry()));
  @TempDir Path root;
  private CheckpointCoordinator coordinator;

  /** A primary whose agent uploads a one-state snapshot for every Checkpoint and restores any. */
  private final class FakePrimary implements CheckpointCoordinator.PrimaryChannel {
    @Override public Optional<String> workload(String primaryId) { return Optional.of("wl"); }
    @Override public List<String> engines(String primaryId) { return List.of("app"); }
    @Override public List<String> connected() { return List.of("p1"); }

    @Override
    public CompletableFuture<Void> checkpoint(String primaryId, String checkpointId, String engine) {
      try (CheckpointCoordinator.Upload upload = coordinator.acceptUpload(primaryId, checkpointId)) {
        upload.pending().append("s", 0, ByteBuffer.wrap(checkpointId.getBytes()));
        upload.pending().endState("s", "");
        upload.commit();
        return CompletableFuture.completedFuture(null);
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public CompletableFuture<Void> rollback(String primaryId, String checkpointId, String reason) {
      return CompletableFuture.completedFuture(null);
    }
  }

  @AfterEach
  void close() {
    if (coordinator != null) {
      coordinator.close();
    }
    outbox.close(Duration.ofSeconds(1));
  }

  private List<FleetEvent> published(int atLeast) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (producer.history().size() < atLeast) {
      assertThat(System.nanoTime()).as(atLeast + " records within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
    List<FleetEvent> out = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : producer.history()) {
      assertThat(r.topic()).isEqualTo(Topics.EVENTS);
      assertThat(r.key()).isEqualTo("wl");
      out.add(FleetEvent.parseFrom(r.value()));
    }
    return out;
  }

  @Test
  void publishesATakenPromotedRestoredAndDemotedCheckpoint_keyedByWorkload() throws Exception {
    coordinator = new CheckpointCoordinator(new CheckpointStore(root, 5), new FakePrimary(), clock,
        Duration.ofSeconds(30), Duration.ofSeconds(5), Optional.empty());
    EventPublisher events = new EventPublisher(outbox, "node-1", id -> Optional.of("wl"), clock);
    coordinator.addListener(events.checkpoints());

    CheckpointManifest m = coordinator.checkpoint("p1", "").get(10, TimeUnit.SECONDS);
    assertThat(published(1)).hasSize(1);
    clock.advance(Duration.ofSeconds(31)); // past the quiet period: the coordinator's timer promotes it
    assertThat(published(2)).hasSize(2);
    coordinator.rollback("p1", Optional.empty(), "test").get(10, TimeUnit.SECONDS);
    coordinator.anomalyObserved("p1", m.created(), clock.instant());
    List<FleetEvent> all = published(4);

    assertThat(all).extracting(FleetEvent::getCheckpointChange).containsExactly(
        CheckpointChange.CHECKPOINT_CHANGE_TAKEN, CheckpointChange.CHECKPOINT_CHANGE_PROMOTED,
        CheckpointChange.CHECKPOINT_CHANGE_RESTORED, CheckpointChange.CHECKPOINT_CHANGE_DEMOTED);
    assertThat(all).extracting(e -> e.getCheckpoint().getState()).containsExactly(
        CheckpointState.CHECKPOINT_STATE_TAKEN, CheckpointState.CHECKPOINT_STATE_KNOWN_GOOD,
        CheckpointState.CHECKPOINT_STATE_KNOWN_GOOD, CheckpointState.CHECKPOINT_STATE_TAKEN);
    for (FleetEvent e : all) {
      assertThat(e.getShadow()).isEqualTo("node-1");
      assertThat(e.getPrimaryId()).isEqualTo("p1");
      assertThat(e.getWorkload()).isEqualTo("wl");
      assertThat(e.getCheckpoint().getCheckpointId()).isEqualTo(m.id());
      assertThat(e.getCheckpoint().getSha256()).isEqualTo(m.sha256());
      assertThat(e.getCheckpoint().getSizeBytes()).isEqualTo(m.sizeBytes()).isPositive();
      assertThat(e.getCheckpoint().getCreatedUnixMs()).isEqualTo(m.created().toEpochMilli());
    }
  }

  @Test
  void aFailingListenerNeitherFailsTheCheckpointNorSilencesTheOthers() throws Exception {
    coordinator = new CheckpointCoordinator(new CheckpointStore(root, 5), new FakePrimary(), clock,
        Duration.ofSeconds(30), Duration.ofSeconds(5), Optional.empty());
    coordinator.addListener((change, m) -> {
      throw new IllegalStateException("listener broken");
    });
    coordinator.addListener(new EventPublisher(outbox, "node-1", id -> Optional.empty(), clock).checkpoints());

    CheckpointManifest m = coordinator.checkpoint("p1", "").get(10, TimeUnit.SECONDS);

    assertThat(m.trust()).isEqualTo(CheckpointManifest.Trust.TAKEN);
    assertThat(published(1)).extracting(FleetEvent::getCheckpointChange)
        .containsExactly(CheckpointChange.CHECKPOINT_CHANGE_TAKEN);
  }
}
