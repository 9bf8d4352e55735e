package dev.umbra.shadow.action;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * How often one workload may be acted on, per action: at most once per cooldown, {@code budget}
 * times per window, never while an action of the same kind on it still runs. A workload that
 * misbehaves again after each action is left alone once its budget is spent, so no rollback or
 * scale-up loop can form. Keyed by workload (a restarted primary is a new primary of the same
 * workload), by primary when the workload is not known. Thread-safe; decides by the clock it is given.
 */
final class ActionBudget {
  /** What {@link #take} found. */
  enum Verdict { GRANTED, RUNNING, COOLING_DOWN, SPENT }

  private final ActionPolicy policy;
  private final Clock clock;
  private final Map<String, Deque<Instant>> taken = new HashMap<>();
  private final Map<String, CompletableFuture<?>> running = new HashMap<>();

  ActionBudget(ActionPolicy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  /** Books one action of {@code action} on {@code key} when the budget allows it. */
  synchronized Verdict take(String key, ActionPolicy.Action action) {
    String k = action + " " + key;
    CompletableFuture<?> inFlight = running.get(k);
    if (inFlight != null && !inFlight.isDone()) {
      return Verdict.RUNNING;
    }
    Instant now = clock.instant();
    Deque<Instant> times = taken.computeIfAbsent(k, x -> new ArrayDeque<>());
    while (!times.isEmpty() && !times.peekFirst().plus(policy.window()).isAfter(now)) {
      times.removeFirst();
    }
    if (!times.isEmpty() && times.peekLast().plus(policy.cooldown()).isAfter(now)) {
      return Verdict.COOLING_DOWN;
    }
    if (times.size() >= policy.budget()) {
      return Verdict.SPENT;
    }
    times.addLast(now);
    return Verdict.GRANTED;
  }

  /** Marks a granted action as running until {@code done} completes. */
  synchronized void running(String key, ActionPolicy.Action action, CompletableFuture<?> done) {
    String k = action + " " + key;
    running.put(k, done);
    done.whenComplete((ok, failure) -> {
      synchronized (this) {
        running.remove(k, done);
      }
    });
  }

  /** Why an action was not taken, for the audit. */
  String explain(Verdict verdict, ActionPolicy.Action action) {
    String what = action.label();
    return switch (verdict) {
      case GRANTED -> "granted";
      case RUNNING -> "a " + what + " of this workload is still running";
      case COOLING_DOWN -> "cooling down: at most one " + what + " per " + policy.cooldown().toSeconds() + " s (act-cooldown)";
      case SPENT -> "budget spent: " + policy.budget() + " " + what + "s per " + policy.window().toMinutes()
          + " min (act-budget, act-window)";
    };
  }
}
