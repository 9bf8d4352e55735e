package dev.umbra.shadow.anomaly;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent anomalies of every primary (the newest {@code perPrimary} each) and the parts that
 * want to hear of new ones: the gRPC watch streams, the alerts, the checkpoint auto-rollback and
 * the dashboard. Thread-safe; subscribers are called on the publishing thread (the detector's),
 * one after the other, and must return quickly. A subscriber that throws is logged and kept.
 */
public final class AnomalyLog {
  private static final Logger logger = LoggerFactory.getLogger(AnomalyLog.class);

  private final int perPrimary;
  private final UnaryOperator<Anomaly> evidence;
  private final Map<String, Deque<Anomaly>> byPrimary = new HashMap<>();
  private final List<Consumer<Anomaly>> subscribers = new CopyOnWriteArrayList<>();

  public AnomalyLog(int perPrimary) {
    this(perPrimary, UnaryOperator.identity());
  }

  /**
   * @param evidence adds what other parts know to each anomaly before it is kept and told (e.g.
   *     {@link HeapEvidence}); on the publisher's thread, so it must be quick and must not throw
   */
  public AnomalyLog(int perPrimary, UnaryOperator<Anomaly> evidence) {
    if (perPrimary < 1) {
      throw new IllegalArgumentException("perPrimary " + perPrimary + " < 1");
    }
    this.perPrimary = perPrimary;
    this.evidence = evidence;
  }

  /**
   * Calls {@code subscriber} with every anomaly published from now on.
   *
   * @return closing it ends the subscription
   */
  public AutoCloseable subscribe(Consumer<Anomaly> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  /** Keeps a new anomaly, with its evidence, and tells every subscriber. */
  public void publish(Anomaly published) {
    Anomaly anomaly = withEvidence(published);
    keep(anomaly, false);
    for (Consumer<Anomaly> s : subscribers) {
      try {
        s.accept(anomaly);
      } catch (RuntimeException e) {
        logger.warn("anomaly subscriber {} failed on {}", s.getClass().getName(), anomaly.id(), e);
      }
    }
  }

  /** Replaces a kept anomaly by id (an incident that gained related series); subscribers are not told. */
  public void update(Anomaly anomaly) {
    keep(withEvidence(anomaly), true);
  }

  /**
   * Replaces each kept anomaly of {@code primaryId} by what {@code change} makes of it (the same
   * one when nothing changes): evidence that arrived after the anomaly. Subscribers are not told,
   * as for {@link #update}; lists show the change.
   */
  public synchronized void amend(String primaryId, UnaryOperator<Anomaly> change) {
    Deque<Anomaly> kept = byPrimary.get(primaryId);
    if (kept == null) {
      return;
    }
    List<Anomaly> all = new ArrayList<>(kept);
    kept.clear();
    for (Anomaly a : all) {
      Anomaly changed;
      try {
        changed = change.apply(a);
      } catch (RuntimeException e) {
        logger.warn("amending anomaly {} primary={} failed; kept as it was", a.id(), primaryId, e);
        changed = a;
      }
      kept.addLast(changed.id().equals(a.id()) ? changed : a);
    }
  }

  private Anomaly withEvidence(Anomaly anomaly) {
    try {
      return evidence.apply(anomaly);
    } catch (RuntimeException e) {
      logger.warn("evidence for anomaly {} primary={} failed; kept without it", anomaly.id(), anomaly.primaryId(), e);
      return anomaly;
    }
  }

  private synchronized void keep(Anomaly anomaly, boolean replace) {
    Deque<Anomaly> kept = byPrimary.computeIfAbsent(anomaly.primaryId(), p -> new ArrayDeque<>());
    if (replace) {
      List<Anomaly> all = new ArrayList<>(kept);
      kept.clear();
      for (Anomaly a : all) {
        kept.addLast(a.id().equals(anomaly.id()) ? anomaly : a);
      }
      return;
    }
    kept.addLast(anomaly);
    while (kept.size() > perPrimary) {
      kept.removeFirst();
    }
  }

  /**
   * Kept anomalies, newest detection first.
   *
   * @param primaryId "" for every primary
   * @param sinceUnixMs only those detected at or after this time
   * @param limit at most this many
   */
  public synchronized List<Anomaly> list(String primaryId, long sinceUnixMs, int limit) {
    List<Anomaly> out = new ArrayList<>();
    for (Map.Entry<String, Deque<Anomaly>> e : byPrimary.entrySet()) {
      if (primaryId.isEmpty() || primaryId.equals(e.getKey())) {
        for (Anomaly a : e.getValue()) {
          if (a.detected().toEpochMilli() >= sinceUnixMs) {
            out.add(a);
          }
        }
      }
    }
    out.sort(Comparator.comparing(Anomaly::detected).reversed());
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : List.copyOf(out);
  }
}
