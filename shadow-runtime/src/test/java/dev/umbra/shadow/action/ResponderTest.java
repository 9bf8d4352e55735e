package dev.umbra.shadow.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.action.ActionRecord.Outcome;
import dev.umbra.shadow.action.ActionRecord.Subject;
import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.anomaly.Kind;
import dev.umbra.shadow.anomaly.TestAnomaly;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ResponderTest {
  private final MutableClock clock = MutableClock.at("2027-01-01T00:00:00Z");
  private final List<ActionRecord> audit = new ArrayList<>();
  private final List<String> rollbacks = new ArrayList<>();
  private final List<String> scaleUps = new ArrayList<>();
  private CompletableFuture<String> rollbackDone = CompletableFuture.completedFuture("checkpoint ck-1 in place");
  private Optional<String> unavailable = Optional.empty();
  private int next = 1;

  private final Responder.Rollbacks inPlace = new Responder.Rollbacks() {
    @Override
    public String engine() {
      return "app";
    }

    @Override
    public Optional<String> unavailable(String primaryId) {
      return unavailable;
    }

    @Override
    public CompletableFuture<String> rollback(String primaryId, String reason) {
      rollbacks.add(primaryId + ": " + reason);
      return rollbackDone;
    }
  };

  private final Responder.Scaling scaling = (primaryId, resource, reason) -> {
    scaleUps.add(primaryId + " " + resource);
    return CompletableFuture.completedFuture(new ActionRecord(primaryId, Subject.CPU, Outcome.SCALE_UP, 1.0, 1.5, true,
        "fake", "pid 1", reason + "; 1.000 cores -> 1.500 cores"));
  };

  private Responder responder(ActionPolicy policy) {
    return new Responder(policy, Optional.of(inPlace), Optional.of(scaling), audit::add, clock);
  }

  private Anomaly anomaly(String workload, String series, double observed) {
    return TestAnomaly.newBuilder().setId("a" + next++).setPrimaryId("p1").setWorkload(workload).setSeries(series)
        .setKind(Kind.LEVEL_SHIFT).setScore(0.9).setObserved(observed).setExpectedLow(0).setExpectedHigh(0.3)
        .setOnsetUnixMs(clock.millis() - 3000).setDetectedUnixMs(clock.millis()).build();
  }

  @Test
  void rollsBack_andAuditsTheStartAndTheOutcome_withTheAnomalyInTheReason() {
    responder(ActionPolicy.defaults()).accept(anomaly("w", "threads.live", 400));

    assertThat(rollbacks).singleElement().asString().startsWith("p1: anomaly a1: level_shift of threads.live, score 0.90");
    assertThat(audit).extracting(ActionRecord::outcome).containsExactly(Outcome.ROLLBACK, Outcome.ROLLBACK);
    assertThat(audit.get(0).applied()).isFalse();
    assertThat(audit.get(1).applied()).isTrue();
    assertThat(audit.get(1).subject()).isEqualTo(Subject.STATE);
    assertThat(audit.get(1).reason()).startsWith("rolled back to checkpoint ck-1 in place; anomaly a1:");
    assertThat(audit.get(1).by()).isEqualTo("app");
  }

  @Test
  void scalesUp_throughTheScalingPort_andAuditsWhatItDid() {
    responder(ActionPolicy.defaults()).accept(anomaly("w", "cpu.process", 1.0));

    assertThat(scaleUps).containsExactly("p1 CPU");
    assertThat(audit).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(Outcome.SCALE_UP);
      assertThat(r.reason()).startsWith("anomaly a1: level_shift of cpu.process").contains("rule cpu.process");
    });
  }

  @Test
  void auditsAnAlert_forAnAnomalyNoRuleActsOn() {
    responder(ActionPolicy.defaults()).accept(anomaly("w", "io.disk.write", 9));

    assertThat(rollbacks).isEmpty();
    assertThat(scaleUps).isEmpty();
    assertThat(audit).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(Outcome.ALERT);
      assertThat(r.subject()).isEqualTo(Subject.NONE);
      assertThat(r.reason()).contains("alert only: rule *=alert");
    });
  }

  @Test
  void refusesARollback_ofAPrimaryWithoutCheckpointableState_withoutSpendingTheBudget() {
    unavailable = Optional.of("it registered no checkpointable state");
    Responder responder = responder(ActionPolicy.defaults());

    responder.accept(anomaly("w", "threads.live", 400));
    unavailable = Optional.empty();
    responder.accept(anomaly("w", "threads.live", 400));

    assertThat(audit.get(0).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(audit.get(0).reason()).contains("no rollback, it registered no checkpointable state");
    assertThat(rollbacks).hasSize(1);
  }

  @Test
  void auditsAFailedRollback_asRefused() {
    rollbackDone = CompletableFuture.failedFuture(new IllegalStateException("workload w has no verified known-good checkpoint yet"));

    responder(ActionPolicy.defaults()).accept(anomaly("w", "threads.live", 400));

    assertThat(audit).extracting(ActionRecord::outcome).containsExactly(Outcome.ROLLBACK, Outcome.REFUSED);
    assertThat(audit.get(1).reason()).startsWith("rollback failed: workload w has no verified known-good checkpoint yet");
  }

  @Test
  void withoutScaling_aScaleUpIsRefused_andWithoutRollbacks_aRollbackIsAnAlert() {
    Responder bare = new Responder(ActionPolicy.defaults(), Optional.empty(), Optional.empty(), audit::add, clock);

    bare.accept(anomaly("w", "cpu.process", 1.0));
    bare.accept(anomaly("w", "threads.live", 400));

    assertThat(audit).extracting(ActionRecord::outcome).containsExactly(Outcome.REFUSED, Outcome.ALERT);
    assertThat(audit.get(0).reason()).contains("no allocator acts here");
    assertThat(audit.get(1).reason()).contains("nothing here rolls back");
  }

  @Nested
  class Budgets {
    private final ActionPolicy twoPerWindow = new ActionPolicy(ActionPolicy.parseRules(ActionPolicy.DEFAULT_RULES), 0.5,
        Duration.ofSeconds(30), 2, Duration.ofMinutes(10), 0.5, 0.25);

    @Test
    void oneActionPerCooldown_thenTheBudget_perWorkloadAndAction() {
      Responder responder = responder(twoPerWindow);

      responder.accept(anomaly("w", "threads.live", 400));
      clock.advance(Duration.ofSeconds(29));
      responder.accept(anomaly("w", "threads.live", 400)); // cooling down
      responder.accept(anomaly("w", "cpu.process", 1.0)); // another action: its own budget
      responder.accept(anomaly("other", "threads.live", 400)); // another workload
      clock.advance(Duration.ofSeconds(1));
      responder.accept(anomaly("w", "threads.live", 400));
      clock.advance(Duration.ofMinutes(1));
      responder.accept(anomaly("w", "threads.live", 400)); // spent: 2 per 10 minutes
      clock.advance(Duration.ofMinutes(9));
      responder.accept(anomaly("w", "threads.live", 400)); // the first left the window

      assertThat(rollbacks).hasSize(4);
      assertThat(scaleUps).hasSize(1);
      assertThat(audit).filteredOn(r -> r.outcome() == Outcome.ALERT).extracting(ActionRecord::reason)
          .anySatisfy(r -> assertThat(r).contains("cooling down: at most one rollback per 30 s"))
          .anySatisfy(r -> assertThat(r).contains("budget spent: 2 rollbacks per 10 min"));
    }

    @Test
    void noSecondRollback_whileOneRuns() {
      rollbackDone = new CompletableFuture<>();
      ActionPolicy noCooldown = new ActionPolicy(twoPerWindow.rules(), 0.5, Duration.ZERO, 5, Duration.ofMinutes(10), 0.5, 0.25);
      Responder responder = responder(noCooldown);

      responder.accept(anomaly("w", "threads.live", 400));
      responder.accept(anomaly("w", "threads.live", 400));
      rollbackDone.complete("checkpoint ck-1 in place");
      responder.accept(anomaly("w", "threads.live", 400));

      assertThat(rollbacks).hasSize(2);
      assertThat(audit).extracting(ActionRecord::reason).anySatisfy(r -> assertThat(r).contains("still running"));
    }
  }
}
