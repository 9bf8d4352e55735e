package dev.umbra.shadow.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointManifest;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.live.PrimaryForecasts;
import dev.umbra.shadow.heap.ClassGrowth;
import dev.umbra.shadow.heap.HeapGrowth;
import dev.umbra.shadow.heap.HeapSnapshot;
import dev.umbra.shadow.heap.PrimaryHeap;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.ingest.PrimaryState;
import dev.umbra.shadow.ingest.PrimaryView;
import dev.umbra.shadow.ingest.Sessions;
import dev.umbra.shadow.manager.Decision;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.series.SeriesName;
import dev.umbra.shadow.series.SeriesStore;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What the dashboard shows, read from the shadow's parts and turned into JSON. Anomalies and
 * decisions are those of the {@link DashboardSources} plus those published to the dashboard
 * (the newest {@value #KEPT} of each). Thread-safe.
 */
final class DashboardModel {
  static final int KEPT = 500;
  static final int OLD_OBJECTS_SHOWN = 5;

  private final Sessions sessions;
  private final SeriesStore store;
  private final PrimaryForecasts forecasts;
  private final CheckpointCoordinator checkpoints;
  private final DashboardSources sources;
  private final Deque<Anomaly> publishedAnomalies = new ArrayDeque<>();
  private final Deque<Decision> publishedDecisions = new ArrayDeque<>();

  DashboardModel(Sessions sessions, SeriesStore store, PrimaryForecasts forecasts, CheckpointCoordinator checkpoints,
      DashboardSources sources) {
    this.sessions = sessions;
    this.store = store;
    this.forecasts = forecasts;
    this.checkpoints = checkpoints;
    this.sources = sources;
  }

  PrimarySession session(String primaryId) throws RequestException {
    return sessions.get(primaryId).orElseThrow(() -> RequestException.notFound("no primary " + primaryId));
  }

  static SeriesName canonical(String name) throws RequestException {
    if (Canonical.byName(name) == null) {
      throw RequestException.badRequest("series '" + name + "' is not one of "
          + Canonical.all().stream().map(c -> c.seriesName().value()).toList());
    }
    return SeriesName.of(name);
  }

  /** Connected and disconnected primaries (and gone ones when {@code all}), connected first. */
  JsonObject primaries(boolean all) {
    List<PrimaryView> views = new ArrayList<>();
    for (PrimarySession s : sessions.all()) {
      PrimaryView v = s.view();
      if (all || v.state() != PrimaryState.GONE) {
        views.add(v);
      }
    }
    views.sort(Comparator.comparing(PrimaryView::state).thenComparing(PrimaryView::lastSeenMillis, Comparator.reverseOrder()));
    JsonArray list = new JsonArray();
    views.forEach(v -> list.add(Json.primary(v)));
    JsonObject o = new JsonObject();
    o.add("primaries", list);
    return o;
  }

  /** The last {@code seconds} of a series up to its newest second, with the allocation line. */
  JsonObject series(String primaryId, String seriesName, int seconds) throws RequestException {
    PrimarySession session = session(primaryId);
    SeriesName series = canonical(seriesName);
    long newest = store.newestSecond(primaryId, series);
    long to = newest == Long.MIN_VALUE ? System.currentTimeMillis() / 1000 : newest + 1;
    JsonObject o = Json.series(primaryId, store.window(primaryId, series, to - seconds, to));
    AllocationLine.of(session.identity(), seriesName, decisions(primaryId)).ifPresent(a -> o.add("allocation", a));
    return o;
  }

  /**
   * @throws RequestException 404 while the series has too little history for any forecast
   */
  JsonObject forecast(String primaryId, String seriesName, Horizon horizon) throws RequestException {
    session(primaryId);
    SeriesName series = canonical(seriesName);
    try {
      return Json.forecast(primaryId, forecasts.forecast(primaryId, series, horizon, QuantileLevels.DEFAULT));
    } catch (InsufficientHistoryException | IllegalArgumentException e) {
      throw RequestException.notFound("no forecast of " + series + " yet: " + e.getMessage());
    }
  }

  JsonObject checkpoints(String primaryId) throws IOException {
    JsonArray list = new JsonArray();
    for (CheckpointManifest m : checkpoints.listAll()) {
      if (primaryId.isEmpty() || m.primaryId().equals(primaryId)) {
        list.add(Json.checkpoint(m));
      }
    }
    JsonObject o = new JsonObject();
    o.add("checkpoints", list);
    return o;
  }

  /**
   * The newest {@code snapshots} class histograms of a primary, oldest first, each with its
   * {@code classes} largest classes, the growth of the newest one's classes since the oldest
   * shown, and the most recently seen old objects.
   */
  JsonObject heap(String primaryId, int snapshots, int classes) throws RequestException {
    session(primaryId);
    PrimaryHeap heap = sources.heap().apply(primaryId).orElse(PrimaryHeap.empty());
    List<HeapSnapshot> all = heap.snapshots();
    List<HeapSnapshot> shown = all.subList(Math.max(0, all.size() - snapshots), all.size());
    List<ClassGrowth> growth = shown.size() < 2 ? List.of()
        : HeapGrowth.between(shown.get(0), shown.get(shown.size() - 1).top(classes));
    return Json.heap(primaryId, shown.stream().map(h -> h.top(classes)).toList(), growth,
        heap.oldObjects().stream().limit(OLD_OBJECTS_SHOWN).toList());
  }

  JsonObject anomalies(String primaryId, int limit) {
    JsonArray list = new JsonArray();
    anomalyList(primaryId, limit).forEach(a -> list.add(Json.anomaly(a)));
    JsonObject o = new JsonObject();
    o.add("anomalies", list);
    return o;
  }

  JsonObject decisionsJson(String primaryId, int limit) {
    JsonArray list = new JsonArray();
    decisions(primaryId).stream().limit(limit).forEach(d -> list.add(Json.decision(d)));
    JsonObject o = new JsonObject();
    o.add("decisions", list);
    return o;
  }

  List<Anomaly> anomalyList(String primaryId, int limit) {
    List<Anomaly> published;
    synchronized (publishedAnomalies) {
      published = List.copyOf(publishedAnomalies);
    }
    return merged(sources.anomalies().apply(primaryId), published, primaryId, Anomaly::primaryId, Anomaly::id,
        a -> a.detected().toEpochMilli()).stream().limit(limit).toList();
  }

  List<Decision> decisions(String primaryId) {
    List<Decision> published;
    synchronized (publishedDecisions) {
      published = List.copyOf(publishedDecisions);
    }
    return merged(sources.decisions().apply(primaryId), published, primaryId, Decision::primaryId,
        d -> Long.toString(d.id()), d -> d.at().toEpochMilli());
  }

  void published(Anomaly anomaly) {
    keep(publishedAnomalies, anomaly);
  }

  void published(Decision decision) {
    keep(publishedDecisions, decision);
  }

  private static <T> void keep(Deque<T> kept, T item) {
    synchronized (kept) {
      kept.addFirst(item);
      while (kept.size() > KEPT) {
        kept.removeLast();
      }
    }
  }

  /** The source's entries and the published ones of a primary, one per id, newest first. */
  private static <T> List<T> merged(List<T> fromSource, List<T> published, String primaryId,
      Function<T, String> primaryOf, Function<T, String> idOf, ToLongFunction<T> timeOf) {
    Map<String, T> byId = new LinkedHashMap<>();
    for (T t : fromSource) {
      byId.putIfAbsent(idOf.apply(t), t);
    }
    for (T t : published) {
      if (primaryId.isEmpty() || primaryOf.apply(t).equals(primaryId)) {
        byId.putIfAbsent(idOf.apply(t), t);
      }
    }
    List<T> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparingLong(timeOf).reversed());
    return all;
  }
}
