package dev.umbra.shadow.checkpoint;

import dev.umbra.shadow.anomaly.TestAnomaly;
import dev.umbra.shadow.anomaly.Kind;
import dev.umbra.shadow.anomaly.Anomaly;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.checkpoint.AutoRollback.Decision;
import dev.umbra.shadow.checkpoint.AutoRollback.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AutoRollbackTest {
  private final MutableClock clock = MutableClock.at("2027-01-01T00:00:00Z");
  private final List<String> rollbacks = new ArrayList<>();
  private final List<String> ledger = new ArrayList<>();
  private CompletableFuture<Void> pending = CompletableFuture.completedFuture(null);

  private AutoRollback policy(Policy policy) {
    return new AutoRollback(policy,
        (primary, onset, detected) -> ledger.add(primary + "@" + onset.toEpochMilli() + "/" + detected.toEpochMilli()),
        (primary, reason) -> {
          rollbacks.add(primary + ": " + reason);
          return pending;
        }, clock);
  }

  private Anomaly anomaly(String primary, double score, Kind kind) {
    long now = clock.instant().toEpochMilli();
    return TestAnomaly.newBuilder().setId("a" + now).setPrimaryId(primary).setSeries("mem.heap.used").setKind(kind)
        .setScore(score).setOnsetUnixMs(now - 3000).setDetectedUnixMs(now).build();
  }

  private static Anomaly withWorkload(Anomaly a, String workload) {
    return new Anomaly(a.id(), a.primaryId(), workload, a.series(), a.relatedSeries(), a.kind(), a.onset(), a.detected(),
        a.evidence(), a.score(), a.observed(), a.expectedLow(), a.expectedHigh(), a.explanation());
  }

  @Test
  void rollsBack_andRecordsTheOnset_forAScoreAtTheMinimum() {
    AutoRollback auto = policy(Policy.defaults());

    auto.accept(anomaly("p1", 0.5, Kind.LEVEL_SHIFT));

    assertThat(rollbacks).singleElement().asString().startsWith("p1: anomaly").contains("level_shift of mem.heap.used");
    long now = clock.instant().toEpochMilli();
    assertThat(ledger).containsExactly("p1@" + (now - 3000) + "/" + now);
  }

  @Test
  void recordsButIgnores_aLowScoreOrADisabledKind() {
    AutoRollback auto = policy(new Policy(0.8, Set.of(Kind.TREND), Duration.ZERO, 5, Duration.ofMinutes(1)));

    assertThat(auto.decide(anomaly("p1", 0.79, Kind.TREND))).isEqualTo(Decision.SCORE_TOO_LOW);
    assertThat(auto.decide(anomaly("p1", 0.95, Kind.SPIKE))).isEqualTo(Decision.KIND_NOT_ENABLED);
    auto.accept(anomaly("p1", 0.1, Kind.SPIKE));

    assertThat(rollbacks).isEmpty();
    assertThat(ledger).hasSize(1);
  }

  @Nested
  class CannotLoop {
    private final AutoRollback auto = policy(new Policy(0.5, Set.of(), Duration.ofSeconds(30), 2, Duration.ofMinutes(10)));

    @Test
    void waitsOutTheCooldown() {
      assertThat(auto.decide(anomaly("p1", 0.9, Kind.SPIKE))).isEqualTo(Decision.ROLLBACK);
      clock.advance(Duration.ofSeconds(29));
      assertThat(auto.decide(anomaly("p1", 0.9, Kind.SPIKE))).isEqualTo(Decision.COOLING_DOWN);
      assertThat(auto.decide(anomaly("p2", 0.9, Kind.SPIKE))).isEqualTo(Decision.ROLLBACK);
      clock.advance(Duration.ofSeconds(1));
      assertThat(auto.decide(anomaly("p1", 0.9, Kind.SPIKE))).isEqualTo(Decision.ROLLBACK);
    }

    @Test
    void stopsWhenTheWindowsBudgetIsSpent_andResumesAfterTheWindow() {
      auto.decide(anomaly("p1", 0.9, Kind.SPIKE));
      clock.advance(Duration.ofMinutes(1));
      auto.decide(anomaly("p1", 0.9, Kind.SPIKE));
      clock.advance(Duration.ofMinutes(1));
      assertThat(auto.decide(anomaly("p1", 0.9, Kind.SPIKE))).isEqualTo(Decision.BUDGET_SPENT);
      clock.advance(Duration.ofMinutes(8));
      assertThat(auto.decide(anomaly("p1", 0.9, Kind.SPIKE))).isEqualTo(Decision.ROLLBACK);
    }

    @Test
    void countsRestartedPrimariesOfOneWorkloadAgainstOneBudget() {
      AutoRollback budget = policy(new Policy(0.5, Set.of(), Duration.ZERO, 2, Duration.ofMinutes(10)));
      for (String primary : List.of("run-1", "run-2", "run-3")) {
        budget.accept(withWorkload(anomaly(primary, 0.9, Kind.LEVEL_SHIFT), "wl"));
        clock.advance(Duration.ofSeconds(20));
      }
      assertThat(rollbacks).hasSize(2);
    }

    @Test
    void neverStartsASecondRollbackWhileOneRuns() {
      AutoRollback noCooldown = policy(new Policy(0.5, Set.of(), Duration.ZERO, 10, Duration.ofMinutes(10)));
      pending = new CompletableFuture<>();
      noCooldown.accept(anomaly("p1", 0.9, Kind.SPIKE));
      clock.advance(Duration.ofSeconds(5));
      noCooldown.accept(anomaly("p1", 0.9, Kind.SPIKE));
      assertThat(rollbacks).hasSize(1);

      pending.complete(null);
      noCooldown.accept(anomaly("p1", 0.9, Kind.SPIKE));
      assertThat(rollbacks).hasSize(2);
    }
  }

  @Test
  void anAnomalyDemotesAKnownGoodCheckpointTakenAfterItsOnset(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root)
      throws Exception {
    CheckpointStore store = new CheckpointStore(root, 5);
    Instant t0 = clock.instant();
    CheckpointManifest before = store.markTrust(commit(store, "ck-a", t0), CheckpointManifest.Trust.KNOWN_GOOD);
    CheckpointManifest after = store.markTrust(commit(store, "ck-b", t0.plusSeconds(10)), CheckpointManifest.Trust.KNOWN_GOOD);
    try (CheckpointCoordinator coordinator = new CheckpointCoordinator(store, new NoPrimaries(), clock,
        Duration.ofSeconds(30), Duration.ofSeconds(5), java.util.Optional.empty())) {
      coordinator.anomalyObserved("p1", t0.plusSeconds(5), t0.plusSeconds(20));

      assertThat(store.find("ck-a")).get().extracting(CheckpointManifest::trust).isEqualTo(CheckpointManifest.Trust.KNOWN_GOOD);
      assertThat(store.find("ck-b")).get().extracting(CheckpointManifest::trust).isEqualTo(CheckpointManifest.Trust.TAKEN);
      assertThat(store.newestVerified("wl", CheckpointManifest.Trust.KNOWN_GOOD)).get()
          .extracting(CheckpointManifest::id).isEqualTo(before.id());
      assertThat(after.id()).isEqualTo("ck-b");
    }
  }

  private static CheckpointManifest commit(CheckpointStore store, String id, Instant created) throws Exception {
    CheckpointStore.Pending p = store.begin(id, "p1", "wl", "app", created);
    p.append("s", 0, java.nio.ByteBuffer.wrap(id.getBytes()));
    p.endState("s", "");
    return p.commit();
  }

  private static final class NoPrimaries implements CheckpointCoordinator.PrimaryChannel {
    @Override public java.util.Optional<String> workload(String primaryId) { return java.util.Optional.empty(); }
    @Override public List<String> engines(String primaryId) { return List.of(); }
    @Override public List<String> connected() { return List.of(); }
    @Override public CompletableFuture<Void> checkpoint(String p, String c, String e) { return CompletableFuture.failedFuture(new IllegalStateException()); }
    @Override public CompletableFuture<Void> rollback(String p, String c, String r) { return CompletableFuture.failedFuture(new IllegalStateException()); }
  }
}
