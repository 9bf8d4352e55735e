package dev.umbra.shadow.dashboard;

import com.google.gson.JsonObject;
import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.live.PrimaryForecasts;
import dev.umbra.shadow.http.HttpEndpoint;
import dev.umbra.shadow.ingest.Ingest;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.manager.Decision;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.series.SeriesName;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.threads.ShadowThreads;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard: the page under {@code /dashboard/}, JSON under {@code /api/} and live events
 * on {@code /api/events}. New grid seconds come from ingest; anomalies and decisions from the
 * {@link DashboardSources} (the detector's log and the manager's audit log), read every tick, and
 * from {@link #anomaly} / {@link #decision} for a publisher without such a log (only tests today).
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Dashboard.class);
  /** Open event streams at most; more get a 503. */
  static final int MAX_CLIENTS = 32;
  /** Events queued per client at most; a client further behind is closed. */
  static final int QUEUE_LIMIT = 512;
  private static final int PING_EVERY_TICKS = 15;
  private static final int CHECKPOINTS_EVERY_TICKS = 3;
  /** Anomalies and decisions looked at per primary and tick. */
  private static final int SENT_PER_TICK = 100;

  private final DashboardModel model;
  private final SeriesStore store;
  private final EventHub hub = new EventHub(MAX_CLIENTS, QUEUE_LIMIT);
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(ShadowThreads.factory("dashboard", true));
  private final Map<String, Long> forecastSecond = new HashMap<>();
  /** Per followed primary, the ids of anomalies and decisions its pages were sent or loaded. */
  private final Map<String, RecentIds> shown = new ConcurrentHashMap<>();
  private final AtomicBoolean newClient = new AtomicBoolean();
  private String lastPrimaries = "";
  private String lastCheckpoints = "";
  private long ticks;

  /**
   * Starts following {@code ingest}; call {@link #serveOn} to put the page on an HTTP port.
   */
  public Dashboard(Ingest ingest, SeriesStore store, PrimaryForecasts forecasts, CheckpointCoordinator checkpoints,
      DashboardSources sources) {
    this.model = new DashboardModel(ingest.sessions(), store, forecasts, checkpoints, sources);
    this.store = store;
    ingest.addListener(this::onGrid);
    ticker.scheduleWithFixedDelay(this::tickSafely, 1, 1, TimeUnit.SECONDS);
  }

  /** Serves the page, the JSON and the event stream on {@code http}. */
  public void serveOn(HttpEndpoint http) {
    boolean served = http.handle("/", new Assets("index.html", "app.js", "app.css"))
        & http.handle("/api/", new ApiHandler(model, hub, () -> newClient.set(true)));
    if (served) {
      logger.info("dashboard on http://{}:{}/dashboard/", http.address().getHostString(), http.address().getPort());
    } else {
      logger.warn("the dashboard is not served on {}:{}: it is not loopback and no token is configured"
          + " (set a token; readers then send Authorization: Bearer <token>)",
          http.address().getHostString(), http.address().getPort());
    }
  }

  /** Shows a new anomaly at once (the sources bring the detector's within a tick); thread-safe. */
  public void anomaly(Anomaly anomaly) {
    model.published(anomaly);
    markShown(anomaly.primaryId(), "a:" + anomaly.id());
    hub.send(c -> c.follows(anomaly.primaryId()), "anomaly", Json.text(Json.anomaly(anomaly)));
  }

  /** Shows a new resource decision at once (the sources bring the manager's within a tick); thread-safe. */
  public void decision(Decision decision) {
    model.published(decision);
    markShown(decision.primaryId(), "d:" + decision.id());
    hub.send(c -> c.follows(decision.primaryId()), "decision", Json.text(Json.decision(decision)));
  }

  /** Event streams open now. */
  public int clients() {
    return hub.clients().size();
  }

  /** On the ingest tick thread: one {@code grid} event per closed second, only queued here. */
  private void onGrid(PrimarySession session, List<GridPoint> points) {
    String primary = session.primaryId();
    if (!hub.anyFollows(primary)) {
      return;
    }
    TreeMap<Long, JsonObject> bySecond = new TreeMap<>();
    for (GridPoint p : points) {
      if (p.canonical()) {
        bySecond.computeIfAbsent(p.epochSecond(), s -> new JsonObject()).addProperty(p.series().value(), p.value());
      }
    }
    bySecond.forEach((second, values) -> {
      JsonObject event = new JsonObject();
      event.addProperty("primary", primary);
      event.addProperty("t", second);
      event.add("values", values);
      hub.send(c -> c.follows(primary), "grid", Json.text(event));
    });
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException | IOException e) {
      logger.warn("dashboard update failed; retrying in 1 s", e);
    }
  }

  private void tick() throws IOException {
    ticks++;
    boolean fresh = newClient.getAndSet(false);
    if (hub.clients().isEmpty()) {
      return;
    }
    if (ticks % PING_EVERY_TICKS == 0) {
      hub.ping();
    }
    String primaries = Json.text(model.primaries(true)); // a finished primary stays on the page
    if (fresh || !primaries.equals(lastPrimaries)) {
      lastPrimaries = primaries;
      hub.send(c -> true, "primaries", primaries);
    }
    if (fresh || ticks % CHECKPOINTS_EVERY_TICKS == 0) {
      String checkpoints = Json.text(model.checkpoints(""));
      if (fresh || !checkpoints.equals(lastCheckpoints)) {
        lastCheckpoints = checkpoints;
        hub.send(c -> true, "checkpoints", checkpoints);
      }
    }
    forecasts(fresh);
    newFromSources();
  }

  /**
   * Sends the anomalies and decisions the sources gained since the last tick to the pages that
   * follow their primary; what a primary had when a page first followed it came with the page's
   * snapshot.
   */
  private void newFromSources() {
    Set<String> followed = new HashSet<>();
    hub.clients().forEach(c -> c.primaryId().ifPresent(followed::add));
    shown.keySet().retainAll(followed);
    for (String primary : followed) {
      // a page's snapshot brought what the primary had when the page first followed it; from
      // then on everything is new, even when the primary had nothing to mark shown at first
      boolean first = !shown.containsKey(primary);
      if (first) {
        shown.put(primary, new RecentIds(4 * DashboardModel.KEPT));
      }
      List<Anomaly> anomalies = model.anomalyList(primary, SENT_PER_TICK);
      List<Decision> decisions = model.decisions(primary).stream().limit(SENT_PER_TICK).toList();
      for (int i = anomalies.size() - 1; i >= 0; i--) {
        Anomaly a = anomalies.get(i);
        if (markShown(primary, "a:" + a.id()) && !first) {
          hub.send(c -> c.follows(primary), "anomaly", Json.text(Json.anomaly(a)));
        }
      }
      for (int i = decisions.size() - 1; i >= 0; i--) {
        Decision d = decisions.get(i);
        if (markShown(primary, "d:" + d.id()) && !first) {
          hub.send(c -> c.follows(primary), "decision", Json.text(Json.decision(d)));
        }
      }
    }
  }

  /** True when {@code id} was not shown yet for {@code primary}; remembers the newest few thousand. */
  private boolean markShown(String primary, String id) {
    RecentIds ids = shown.computeIfAbsent(primary, p -> new RecentIds(4 * DashboardModel.KEPT));
    return ids.add(id);
  }

  /** One forecast per followed (primary, series) whenever the series has a new second. */
  private void forecasts(boolean fresh) {
    Set<String> followed = new HashSet<>();
    for (EventClient client : hub.clients()) {
      client.primaryId().ifPresent(p -> client.series().forEach(s -> followed.add(p + "\n" + s)));
    }
    forecastSecond.keySet().retainAll(followed);
    for (String key : followed) {
      String primary = key.substring(0, key.indexOf('\n'));
      String series = key.substring(key.indexOf('\n') + 1);
      long newest = store.newestSecond(primary, SeriesName.of(series));
      if (newest == Long.MIN_VALUE || (!fresh && newest <= forecastSecond.getOrDefault(key, Long.MIN_VALUE))) {
        continue;
      }
      forecastSecond.put(key, newest);
      try {
        String json = Json.text(model.forecast(primary, series, Horizon.DEFAULT));
        hub.send(c -> c.follows(primary) && c.series().contains(series), "forecast", json);
      } catch (RequestException e) {
        // too little history yet, or the primary was forgotten: the page says "collecting"
      }
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    hub.close();
  }
}
