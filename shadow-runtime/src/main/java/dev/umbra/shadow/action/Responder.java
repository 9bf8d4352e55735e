package dev.umbra.shadow.action;

import dev.umbra.shadow.action.ActionRecord.Outcome;
import dev.umbra.shadow.action.ActionRecord.Subject;
import dev.umbra.shadow.anomaly.Anomaly;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the {@link ActionPolicy}: fed every anomaly (subscribe it to the anomaly log), it
 * chooses the action, books it against the workload's {@link ActionBudget}, starts it through the
 * rollback or scaling port, and records every choice, start and outcome in the audit. Alerts
 * themselves (log, metric, webhook) are the anomaly log's other subscribers; here an alert is only
 * recorded.
 *
 * <p>Thread-safe; {@link #accept} never blocks: actions run on the ports' threads.
 */
public final class Responder implements Consumer<Anomaly> {
  private static final Logger logger = LoggerFactory.getLogger(Responder.class);

  /** What rolls a primary back: the checkpoint coordinator in place ({@code serve}), or the supervisor ({@code run}). */
  public interface Rollbacks {
    /** The checkpoint engine or supervisor that rolls back, for the audit. */
    String engine();

    /** Why {@code primaryId} cannot be rolled back (it registered no checkpointable state); empty when it can. */
    default Optional<String> unavailable(String primaryId) {
      return Optional.empty();
    }

    /** Starts a rollback to the newest known-good state; completes with what was restored. */
    CompletableFuture<String> rollback(String primaryId, String reason);
  }

  /** What raises a primary's resource through its allocator. */
  @FunctionalInterface
  public interface Scaling {
    /**
     * Raises {@code resource} of {@code primaryId} by the policy's step, within bounds; completes
     * with what was done ({@link Outcome#SCALE_UP} or {@link Outcome#REFUSED}), never exceptionally
     * for what the platform refused.
     */
    CompletableFuture<ActionRecord> scaleUp(String primaryId, ActionPolicy.Resource resource, String reason);
  }

  /** Where every action is recorded: the audit log. */
  @FunctionalInterface
  public interface Audit {
    void record(ActionRecord record);
  }

  private final ActionPolicy policy;
  private final ActionBudget budget;
  private final Optional<Rollbacks> rollbacks;
  private final Optional<Scaling> scaling;
  private final Audit audit;

  /**
   * @param rollbacks empty: a rollback rule is recorded as an alert
   * @param scaling empty: a scale-up rule is refused (no allocator), recorded so
   */
  public Responder(ActionPolicy policy, Optional<Rollbacks> rollbacks, Optional<Scaling> scaling, Audit audit,
      Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.budget = new ActionBudget(policy, clock);
    this.rollbacks = Objects.requireNonNull(rollbacks, "rollbacks");
    this.scaling = Objects.requireNonNull(scaling, "scaling");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  public ActionPolicy policy() {
    return policy;
  }

  @Override
  public void accept(Anomaly anomaly) {
    try {
      handle(anomaly);
    } catch (RuntimeException e) {
      logger.error("primary={} anomaly {} not acted on: {}", anomaly.primaryId(), anomaly.id(), e.toString());
    }
  }

  private void handle(Anomaly anomaly) {
    String primaryId = anomaly.primaryId();
    if (primaryId.isEmpty()) {
      return;
    }
    ActionPolicy.Choice choice = policy.choose(anomaly);
    String about = describe(anomaly);
    switch (choice.action()) {
      case ALERT -> record(ActionRecord.of(primaryId, Subject.NONE, Outcome.ALERT, false, "-",
          about + "; alert only: " + choice.why()));
      case ROLLBACK -> rollback(anomaly, about, choice);
      case SCALE_UP -> scaleUp(anomaly, about, choice);
    }
  }

  /** "anomaly ID: KIND of SERIES, score S (EXPLANATION)": the reason a rollback carries (the demo finds its anomaly by it). */
  static String describe(Anomaly a) {
    return "anomaly " + a.id() + ": " + a.kind().name().toLowerCase(Locale.ROOT) + " of " + a.series()
        + ", score " + String.format(Locale.ROOT, "%.2f", a.score())
        + (a.explanation().isEmpty() ? "" : " (" + a.explanation() + ")");
  }

  private void rollback(Anomaly anomaly, String about, ActionPolicy.Choice choice) {
    String primaryId = anomaly.primaryId();
    if (rollbacks.isEmpty()) {
      record(ActionRecord.of(primaryId, Subject.STATE, Outcome.ALERT, false, "-",
          about + "; alert only: " + choice.why() + " asks for a rollback, but nothing here rolls back"));
      return;
    }
    Rollbacks target = rollbacks.get();
    Optional<String> unavailable = target.unavailable(primaryId);
    if (unavailable.isPresent()) {
      record(ActionRecord.of(primaryId, Subject.STATE, Outcome.REFUSED, false, target.engine(),
          about + "; " + choice.why() + ": no rollback, " + unavailable.get()));
      return;
    }
    String key = budgetKey(anomaly);
    ActionBudget.Verdict verdict = budget.take(key, ActionPolicy.Action.ROLLBACK);
    if (verdict != ActionBudget.Verdict.GRANTED) {
      record(ActionRecord.of(primaryId, Subject.STATE, Outcome.ALERT, false, target.engine(),
          about + "; " + choice.why() + ": no rollback, " + budget.explain(verdict, ActionPolicy.Action.ROLLBACK)));
      return;
    }
    logger.info("primary={} rolling back: {}", primaryId, about);
    record(ActionRecord.of(primaryId, Subject.STATE, Outcome.ROLLBACK, false, target.engine(),
        about + "; " + choice.why() + ": rolling back to the newest known-good state"));
    CompletableFuture<String> done = start(() -> target.rollback(primaryId, about));
    budget.running(key, ActionPolicy.Action.ROLLBACK, done);
    done.whenComplete((what, failure) -> record(failure == null
        ? ActionRecord.of(primaryId, Subject.STATE, Outcome.ROLLBACK, true, target.engine(),
            "rolled back to " + what + "; " + about)
        : ActionRecord.of(primaryId, Subject.STATE, Outcome.REFUSED, false, target.engine(),
            "rollback failed: " + message(failure) + "; " + about)));
  }

  private void scaleUp(Anomaly anomaly, String about, ActionPolicy.Choice choice) {
    String primaryId = anomaly.primaryId();
    ActionPolicy.Resource resource = ActionPolicy.scaled(choice.rule().orElseThrow(), anomaly).orElseThrow();
    Subject subject = ActionRecord.subjectOf(resource);
    if (scaling.isEmpty()) {
      record(ActionRecord.of(primaryId, subject, Outcome.REFUSED, false, "-",
          about + "; " + choice.why() + ": no scale-up, no allocator acts here"));
      return;
    }
    String key = budgetKey(anomaly);
    ActionBudget.Verdict verdict = budget.take(key, ActionPolicy.Action.SCALE_UP);
    if (verdict != ActionBudget.Verdict.GRANTED) {
      record(ActionRecord.of(primaryId, subject, Outcome.ALERT, false, "-",
          about + "; " + choice.why() + ": no scale-up, " + budget.explain(verdict, ActionPolicy.Action.SCALE_UP)));
      return;
    }
    String reason = about + "; " + choice.why();
    CompletableFuture<ActionRecord> done = start(() -> scaling.get().scaleUp(primaryId, resource, reason));
    budget.running(key, ActionPolicy.Action.SCALE_UP, done);
    done.whenComplete((result, failure) -> record(failure == null ? result
        : ActionRecord.of(primaryId, subject, Outcome.REFUSED, false, "-",
            "scale-up failed: " + message(failure) + "; " + reason)));
  }

  private static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void record(ActionRecord r) {
    try {
      audit.record(r);
    } catch (RuntimeException e) {
      logger.error("primary={} action not audited ({}): {}", r.primaryId(), e.toString(), r.reason());
    }
  }

  /** Actions are budgeted per workload; per primary when the anomaly names no workload. */
  private static String budgetKey(Anomaly anomaly) {
    return anomaly.workload().isEmpty() ? "primary:" + anomaly.primaryId() : "workload:" + anomaly.workload();
  }

  private static String message(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
