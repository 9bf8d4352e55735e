package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.lstm.LstmModelStore;
import dev.umbra.shadow.forecast.lstm.WorkloadIdentity;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workloads the shadow has seen (from {@code Hello}, and saved under the model folder so a
 * restarted shadow still knows them) and which are near which ({@link
 * WorkloadIdentity#similarity}). Thread-safe.
 */
final class Neighbours {
  private static final Logger logger = LoggerFactory.getLogger(Neighbours.class);

  /** A near workload and how near. */
  record Near(WorkloadIdentity identity, double similarity, String description) {}

  private final LstmModelStore saved;
  private final Map<String, WorkloadIdentity> known = new ConcurrentHashMap<>();
  private final Set<String> unsaved = ConcurrentHashMap.newKeySet();

  Neighbours(LstmModelStore saved) {
    this.saved = saved;
    try {
      saved.identities().forEach(i -> known.put(i.workload(), i));
    } catch (IOException e) {
      logger.warn("saved workload identities unreadable, near workloads are found among this run's only: {}",
          e.getMessage());
    }
  }

  /**
   * Remembers a workload (its primary's first tick). Cheap and never blocks: the ingest tick
   * calls it; a new or changed identity is written later by {@link #saveNew}.
   */
  void add(WorkloadIdentity identity) {
    WorkloadIdentity before = known.put(identity.workload(), identity);
    if (!identity.equals(before)) {
      unsaved.add(identity.workload());
    }
  }

  /** Writes the identities added since the last call (on the training thread). */
  void saveNew() {
    for (String workload : List.copyOf(unsaved)) {
      unsaved.remove(workload);
      WorkloadIdentity identity = known.get(workload);
      try {
        saved.saveIdentity(identity);
      } catch (IOException e) {
        logger.warn("workload={} identity not saved (a restarted shadow will not match it): {}", workload,
            e.getMessage());
      }
    }
  }

  /** Other workloads at least {@link WorkloadIdentity#NEAR} to {@code workload}, nearest first. */
  List<Near> of(String workload) {
    WorkloadIdentity self = known.get(workload);
    if (self == null) {
      return List.of();
    }
    return known.values().stream()
        .filter(o -> !o.workload().equals(workload))
        .map(o -> new Near(o, self.similarity(o), self.describeNearness(o)))
        .filter(n -> n.similarity() >= WorkloadIdentity.NEAR)
        .sorted(Comparator.comparingDouble(Near::similarity).reversed().thenComparing(n -> n.identity().workload()))
        .toList();
  }
}
