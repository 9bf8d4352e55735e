package dev.umbra.shadow.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.checkpoint.CheckpointManifest.Trust;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCoordinatorTest {
  private final MutableClock clock = MutableClock.at("2027-01-01T00:00:00Z");
  @TempDir Path root;
  private CheckpointCoordinator coordinator;
  private final List<String> rolledBackTo = new ArrayList<>();

  /** A primary whose agent uploads a one-state snapshot for every Checkpoint it is sent. */
  private class FakePrimary implements CheckpointCoordinator.PrimaryChannel {
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
      rolledBackTo.add(checkpointId);
      return CompletableFuture.completedFuture(null);
    }
  }

  private CheckpointCoordinator coordinator() {
    coordinator = new CheckpointCoordinator(new CheckpointStore(root, 5), new FakePrimary(), clock,
        Duration.ofSeconds(30), Duration.ofSeconds(5), Optional.empty());
    return coordinator;
  }

  @AfterEach
  void close() {
    coordinator.close();
  }

  private CheckpointManifest take() throws Exception {
    return coordinator.checkpoint("p1", "").get(5, TimeUnit.SECONDS);
  }

  private Trust trustOf(CheckpointManifest m) throws Exception {
    return coordinator.store().find(m.id()).orElseThrow().trust();
  }

  @Test
  void promotesACheckpoint_onlyAfterAQuietPeriodWithoutAnomaly() throws Exception {
    coordinator();
    CheckpointManifest m = take();
    clock.advance(Duration.ofSeconds(29));
    coordinator.promote();
    assertThat(trustOf(m)).isEqualTo(Trust.TAKEN);
    clock.advance(Duration.ofSeconds(1));
    coordinator.promote();
    assertThat(trustOf(m)).isEqualTo(Trust.KNOWN_GOOD);
  }

  @Test
  void neverTrustsACheckpointThatAnAnomalyFollowed() throws Exception {
    coordinator();
    CheckpointManifest before = take();
    clock.advance(Duration.ofSeconds(40));
    coordinator.promote();
    CheckpointManifest after = take();
    clock.advance(Duration.ofSeconds(10));
    coordinator.anomalyObserved("p1", clock.instant());
    clock.advance(Duration.ofSeconds(60));
    coordinator.promote();

    assertThat(trustOf(before)).isEqualTo(Trust.KNOWN_GOOD);
    assertThat(trustOf(after)).isEqualTo(Trust.TAKEN);
    assertThat(coordinator.rollback("p1", Optional.empty(), "anomaly").get(5, TimeUnit.SECONDS).id()).isEqualTo(before.id());
    assertThat(rolledBackTo).containsExactly(before.id());
  }

  @Test
  void failsACheckpoint_whenTheAgentNeverAnswers() {
    coordinator = new CheckpointCoordinator(new CheckpointStore(root, 5), new FakePrimary() {
      @Override
      public CompletableFuture<Void> checkpoint(String primaryId, String checkpointId, String engine) {
        return new CompletableFuture<>(); // never completes
      }
    }, clock, Duration.ofSeconds(30), Duration.ofMillis(200), Optional.empty());
    assertThat(coordinator.checkpoint("p1", ""))
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(java.util.concurrent.TimeoutException.class);
  }
}
