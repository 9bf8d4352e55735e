package dev.umbra.shadow.dashboard;

import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.heap.PrimaryHeap;
import dev.umbra.shadow.manager.Decision;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the dashboard reads anomalies, resource decisions and heap contents kept elsewhere (the
 * detector's log, the resource manager's audit log, ingest's heap store). {@code heap} takes a
 * primary id and returns what is kept of its heap; it is read when a page asks for it. Each function takes a primary id ("" for every primary) and
 * returns its entries, newest first; it must be thread-safe and quick: the dashboard calls it
 * for each page load and, once a second, for each primary an open page follows, and pushes the
 * entries it has not sent yet. {@link Dashboard#anomaly} and {@link Dashboard#decision} push at
 * once instead (both may be used; entries are told apart by id).
 */
public record DashboardSources(
    Function<String, List<Anomaly>> anomalies, Function<String, List<Decision>> decisions,
    Function<String, Optional<PrimaryHeap>> heap) {
  public DashboardSources {
    Objects.requireNonNull(anomalies, "anomalies");
    Objects.requireNonNull(decisions, "decisions");
    Objects.requireNonNull(heap, "heap");
  }

  /** Without heap contents: every primary's heap shows empty. */
  public DashboardSources(Function<String, List<Anomaly>> anomalies, Function<String, List<Decision>> decisions) {
    this(anomalies, decisions, primary -> Optional.empty());
  }

  /** No detector and no resource manager: only what is published to the dashboard is shown. */
  public static DashboardSources none() {
    return new DashboardSources(primary -> List.of(), primary -> List.of());
  }
}
