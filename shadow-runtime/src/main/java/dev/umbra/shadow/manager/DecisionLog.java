package dev.umbra.shadow.manager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log of the resource manager: the newest {@code capacity} decisions in memory, each
 * also logged (changes and refusals at INFO/WARN, holds at DEBUG) and, when opened on a data
 * folder, appended to a bounded file there ({@link DecisionFile}) from which a restarted shadow
 * reloads them. Thread-safe.
 */
public final class DecisionLog implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(DecisionLog.class);
  static final int DEFAULT_CAPACITY = 20_000;

  private final int capacity;
  private final ArrayDeque<Decision> decisions = new ArrayDeque<>();
  private long nextId = 1;
  private final List<Consumer<Decision>> subscribers =
      new CopyOnWriteArrayList<>();

  private final Optional<DecisionFile> file;

  /** An audit log in memory only. */
  public DecisionLog() {
    this(DEFAULT_CAPACITY);
  }

  DecisionLog(int capacity) {
    this(capacity, Optional.empty());
  }

  private DecisionLog(int capacity, Optional<DecisionFile> file) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.capacity = capacity;
    this.file = file;
  }

  /**
   * The audit log kept in {@code dataDir} ({@code decisions.tsv}, at most 16 MiB with its rotated
   * predecessor): the decisions already there are loaded, ids continue after the highest. When the
   * folder cannot be used the log says why and keeps decisions in memory only.
   */
  public static DecisionLog open(Path dataDir) {
    return open(dataDir, DEFAULT_CAPACITY, DecisionFile.DEFAULT_MAX_BYTES);
  }

  static DecisionLog open(Path dataDir, int capacity, long maxBytes) {
    DecisionFile f;
    List<Decision> earlier;
    try {
      f = DecisionFile.open(dataDir, maxBytes);
      earlier = f.load();
    } catch (IOException | RuntimeException e) {
      logger.error("audit log in {} cannot be used ({}); decisions are kept in memory only", dataDir, e.toString());
      return new DecisionLog(capacity);
    }
    DecisionLog log = new DecisionLog(capacity, Optional.of(f));
    for (Decision d : earlier) {
      log.decisions.addLast(d);
      log.nextId = Math.max(log.nextId, d.id() + 1);
    }
    while (log.decisions.size() > capacity) {
      log.decisions.removeFirst();
    }
    if (!earlier.isEmpty()) {
      logger.info("audit log: {} earlier decision(s) loaded from {}", log.decisions.size(), dataDir);
    }
    return log;
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
      file.ifPresent(f -> f.append(decision));
    }
    switch (decision.action()) {
      case HOLD -> logger.debug("decision primary={} resource={} {}: {}", decision.primaryId(),
          decision.resource(), decision.action(), decision.reason());
      case REFUSED -> logger.warn("decision primary={} resource={} {}: {}", decision.primaryId(),
          decision.resource(), decision.action(), decision.reason());
      default -> logger.info("decision primary={} resource={} {} applied={}: {}", decision.primaryId(),
          decision.resource(), decision.action(), decision.applied(), decision.reason());
    }
    for (Consumer<Decision> subscriber : subscribers) {
      try {
        subscriber.accept(decision);
      } catch (RuntimeException e) {
        logger.warn("a decision subscriber failed: {}", e.toString());
      }
    }
  }

  /**
   * Records a decision made outside the manager's loop (the action policy's, {@link ActionAudit}):
   * {@code withId} builds it with the id this log assigns.
   */
  public Decision record(LongFunction<Decision> withId) {
    Decision decision;
    synchronized (this) {
      decision = withId.apply(nextId());
    }
    add(decision);
    return decision;
  }

  /** Tells {@code subscriber} of every later decision, on the manager's thread: return quickly. */
  public void subscribe(Consumer<Decision> subscriber) {
    subscribers.add(Objects.requireNonNull(subscriber, "subscriber"));
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

  @Override
  public synchronized void close() {
    file.ifPresent(DecisionFile::close);
  }
}
