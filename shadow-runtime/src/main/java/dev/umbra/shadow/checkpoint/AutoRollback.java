package dev.umbra.shadow.checkpoint;

import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.anomaly.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The automatic rollback policy: fed every anomaly (wire it to the detector's {@code
 * subscribe(Consumer<Anomaly>)}), it tells the {@link AnomalyLedger} about each one (so nothing
 * taken after the onset becomes known-good), and rolls the primary back to its last known-good
 * state when the anomaly's kind is enabled and its score reaches the minimum, at most once per
 * cooldown and {@code maxPerWindow} times per window per workload (a relaunched primary is a
 * new primary of the same workload), never while one of its rollbacks is still running. Rate
 * limits make a rollback loop impossible: a workload that misbehaves again right after each
 * rollback or restart is left alone once the budget is spent.
 *
 * <p>Thread-safe; {@link #accept} never blocks (the rollback runs on the target's threads).
 */
public final class AutoRollback implements Consumer<Anomaly> {
  private static final Logger logger = LoggerFactory.getLogger(AutoRollback.class);

  private final Policy policy;
  private final AnomalyLedger ledger;
  private final Target target;
  private final Clock clock;
  private final Map<String, Deque<Instant>> recent = new HashMap<>();
  private final Map<String, CompletableFuture<?>> running = new HashMap<>();

  /**
   * When to roll back.
   *
   * @param minScore anomalies scoring below this (0..1) never trigger a rollback
   * @param kinds the anomaly kinds that may trigger one; empty: every kind
   * @param cooldown the least time between two rollbacks of one primary
   * @param maxPerWindow at most this many rollbacks of one primary per {@code window}
   */
  public record Policy(double minScore, Set<Kind> kinds, Duration cooldown, int maxPerWindow, Duration window) {
    public Policy {
      if (!(minScore >= 0 && minScore <= 1)) {
        throw new IllegalArgumentException("minScore must be in 0..1, got " + minScore);
      }
      kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
      Objects.requireNonNull(cooldown, "cooldown");
      Objects.requireNonNull(window, "window");
      if (cooldown.isNegative() || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("cooldown must be >= 0 and window > 0");
      }
      if (maxPerWindow < 1) {
        throw new IllegalArgumentException("maxPerWindow must be at least 1, got " + maxPerWindow);
      }
    }

    /** Every kind scoring at least 0.5; one rollback per 30 s, at most 3 per 10 minutes. */
    public static Policy defaults() {
      return new Policy(0.5, Set.of(), Duration.ofSeconds(30), 3, Duration.ofMinutes(10));
    }
  }

  /** Where anomalies are recorded for known-good promotion: the checkpoint coordinator. */
  @FunctionalInterface
  public interface AnomalyLedger {
    void anomalyObserved(String primaryId, Instant onset, Instant detected);
  }

  /** What rolls a primary back: the coordinator (in place), or the supervisor (relaunch). */
  @FunctionalInterface
  public interface Target {
    CompletableFuture<?> rollback(String primaryId, String reason);
  }

  /** What {@link #decide} chose, and why. */
  public enum Decision { ROLLBACK, SCORE_TOO_LOW, KIND_NOT_ENABLED, ROLLBACK_RUNNING, COOLING_DOWN, BUDGET_SPENT }

  public AutoRollback(Policy policy, AnomalyLedger ledger, Target target, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.target = Objects.requireNonNull(target, "target");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Rolls back through the coordinator: the agent restores its newest known-good checkpoint in place. */
  public static AutoRollback inPlace(Policy policy, CheckpointCoordinator coordinator, Clock clock) {
    return new AutoRollback(policy, coordinator::anomalyObserved,
        (primaryId, reason) -> coordinator.rollback(primaryId, java.util.Optional.empty(), reason), clock);
  }

  @Override
  public void accept(Anomaly anomaly) {
    try {
      handle(anomaly);
    } catch (RuntimeException e) {
      logger.error("primary={} anomaly {} not handled: {}", anomaly.primaryId(), anomaly.id(), e.toString());
    }
  }

  private void handle(Anomaly anomaly) {
    String primaryId = anomaly.primaryId();
    if (primaryId.isEmpty()) {
      return;
    }
    Instant detected = anomaly.detected();
    Instant onset = anomaly.onset();
    ledger.anomalyObserved(primaryId, onset, detected);
    Decision decision = decide(anomaly);
    if (decision != Decision.ROLLBACK) {
      logger.info("primary={} anomaly {} ({} {}, score {}): no rollback, {}", primaryId, anomaly.id(),
          anomaly.kind().label(), anomaly.series(), anomaly.score(), decision);
      return;
    }
    String reason = "anomaly " + anomaly.id() + ": " + anomaly.kind().name().toLowerCase(java.util.Locale.ROOT)
        + " of " + anomaly.series() + ", score " + String.format(java.util.Locale.ROOT, "%.2f", anomaly.score())
        + (anomaly.explanation().isEmpty() ? "" : " (" + anomaly.explanation() + ")");
    logger.info("primary={} rolling back: {}", primaryId, reason);
    CompletableFuture<?> rollback = start(primaryId, reason);
    String key = budgetKey(anomaly);
    synchronized (this) {
      running.put(key, rollback);
    }
    rollback.whenComplete((ok, failure) -> {
      synchronized (this) {
        running.remove(key, rollback);
      }
      if (failure != null) {
        logger.error("primary={} automatic rollback failed: {}", primaryId, failure.toString());
      }
    });
  }

  private CompletableFuture<?> start(String primaryId, String reason) {
    try {
      return target.rollback(primaryId, reason);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Rollbacks are budgeted per workload; per primary when the anomaly names no workload. */
  private static String budgetKey(Anomaly anomaly) {
    return anomaly.workload().isEmpty() ? "primary:" + anomaly.primaryId() : "workload:" + anomaly.workload();
  }

  /** Applies the policy and, for ROLLBACK, books the rollback against the primary's budget. */
  synchronized Decision decide(Anomaly anomaly) {
    if (anomaly.score() < policy.minScore()) {
      return Decision.SCORE_TOO_LOW;
    }
    if (!policy.kinds().isEmpty() && !policy.kinds().contains(anomaly.kind())) {
      return Decision.KIND_NOT_ENABLED;
    }
    String key = budgetKey(anomaly);
    CompletableFuture<?> inFlight = running.get(key);
    if (inFlight != null && !inFlight.isDone()) {
      return Decision.ROLLBACK_RUNNING;
    }
    Instant now = clock.instant();
    Deque<Instant> times = recent.computeIfAbsent(key, id -> new ArrayDeque<>());
    while (!times.isEmpty() && !times.peekFirst().plus(policy.window()).isAfter(now)) {
      times.removeFirst();
    }
    if (!times.isEmpty() && times.peekLast().plus(policy.cooldown()).isAfter(now)) {
      return Decision.COOLING_DOWN;
    }
    if (times.size() >= policy.maxPerWindow()) {
      return Decision.BUDGET_SPENT;
    }
    times.addLast(now);
    return Decision.ROLLBACK;
  }
}
