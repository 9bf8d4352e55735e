package dev.umbra.shadow.manager;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log of the resource manager: the newest {@code capacity} decisions in memory, each
 * also logged (changes and refusals at INFO/WARN, holds at DEBUG). Thread-safe.
 */
public final class DecisionLog {
  private static final Logger logger = LoggerFactory.getLogger(DecisionLog.class);
  static final int DEFAULT_CAPACITY = 20_000;

  private final int capacity;
  private final ArrayDeque<Decision> decisions = new ArrayDeque<>();
  private long nextId = 1;
  private final java.util.List<java.util.function.Consumer<Decision>> subscribers =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public DecisionLog() {
    this(DEFAULT_CAPACITY);
  }

  DecisionLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** The next decision id; {@link #add} must follow with a decision of that id. */
  synchronized long nextId() {
    return nextId++;
  }

  void add(Decision decision) {
    synchronized (this) {
      decisions.addLast(decision);
      while (decisions.size() > capacity) {
        decisions.removeFirst();
      }
    }
    switch (decision.action()) {
      case HOLD -> logger.debug("decision primary={} resource={} {}: {}", decision.primaryId(),
          decision.resource(), decision.action(), decision.reason());
      case REFUSED -> logger.warn("decision primary={} resource={} {}: {}", decision.primaryId(),
          decision.resource(), decision.action(), decision.reason());
      default -> logger.info("decision primary={} resource={} {} applied={}: {}", decision.primaryId(),
          decision.resource(), decision.action(), decision.applied(), decision.reason());
    }
    for (java.util.function.Consumer<Decision> subscriber : subscribers) {
      try {
        subscriber.accept(decision);
      } catch (RuntimeException e) {
        logger.warn("a decision subscriber failed: {}", e.toString());
      }
    }
  }

  /** Tells {@code subscriber} of every later decision, on the manager's thread: return quickly. */
  public void subscribe(java.util.function.Consumer<Decision> subscriber) {
    subscribers.add(java.util.Objects.requireNonNull(subscriber, "subscriber"));
  }

  /**
   * The newest decisions first.
   *
   * @param primaryId only this primary's; empty for all
   * @param limit at most this many, &gt; 0
   * @param changesOnly leave out holds
   */
  public synchronized List<Decision> newest(String primaryId, int limit, boolean changesOnly) {
    List<Decision> out = new ArrayList<>();
    for (Iterator<Decision> it = decisions.descendingIterator(); it.hasNext() && out.size() < limit; ) {
      Decision d = it.next();
      if ((primaryId.isEmpty() || d.primaryId().equals(primaryId))
          && !(changesOnly && d.action() == Decision.Action.HOLD)) {
        out.add(d);
      }
    }
    return out;
  }

  public synchronized int size() {
    return decisions.size();
  }
}
