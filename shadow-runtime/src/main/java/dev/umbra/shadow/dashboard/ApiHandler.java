package dev.umbra.shadow.dashboard;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.heap.HeapStore;
import dev.umbra.shadow.http.HttpEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/*}: JSON for the page's first load and the event stream for what follows. Only GET;
 * a bad parameter is a 400, an unknown primary or path a 404, each with {@code {"error": ...}}.
 */
final class ApiHandler implements HttpHandler {
  private static final Logger logger = LoggerFactory.getLogger(ApiHandler.class);
  static final int MAX_SECONDS = 3600;
  static final Horizon MAX_HORIZON = new Horizon(600, Duration.ofHours(1));

  private final DashboardModel model;
  private final EventHub hub;
  private final Runnable onNewClient;

  ApiHandler(DashboardModel model, EventHub hub, Runnable onNewClient) {
    this.model = model;
    this.hub = hub;
    this.onNewClient = onNewClient;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        throw new RequestException(405, exchange.getRequestMethod() + " is not allowed here; use GET");
      }
      String path = exchange.getRequestURI().getPath();
      Query q = Query.of(exchange.getRequestURI());
      if (path.equals("/api/events")) {
        events(exchange, q);
        return;
      }
      json(exchange, 200, route(path, q));
    } catch (RequestException e) {
      json(exchange, e.status(), Json.error(e.getMessage()));
    } catch (RuntimeException e) {
      logger.warn("dashboard request {} failed", exchange.getRequestURI(), e);
      json(exchange, 500, Json.error("internal error: " + e.getClass().getSimpleName()));
    }
  }

  private JsonObject route(String path, Query q) throws RequestException, IOException {
    return switch (path) {
      case "/api/primaries" -> model.primaries(q.optional("all").map(Boolean::parseBoolean).orElse(false));
      case "/api/series" -> model.series(q.required("primary"), q.required("series"),
          q.integer("seconds", 300, 1, MAX_SECONDS));
      case "/api/forecast" -> model.forecast(q.required("primary"), q.required("series"), horizon(q));
      case "/api/anomalies" -> model.anomalies(knownOrEmpty(q), q.integer("limit", 100, 1, DashboardModel.KEPT));
      case "/api/decisions" -> model.decisionsJson(knownOrEmpty(q), q.integer("limit", 100, 1, DashboardModel.KEPT));
      case "/api/checkpoints" -> model.checkpoints(knownOrEmpty(q));
      case "/api/heap" -> model.heap(q.required("primary"), q.integer("snapshots", 8, 1, HeapStore.SNAPSHOTS_KEPT),
          q.integer("classes", 10, 1, HeapStore.CLASSES_KEPT));
      default -> throw RequestException.notFound("no such path " + path
          + " (try /api/primaries, /api/series, /api/forecast, /api/anomalies, /api/decisions, /api/checkpoints,"
          + " /api/heap, /api/events)");
    };
  }

  private String knownOrEmpty(Query q) throws RequestException {
    Optional<String> primary = q.optional("primary");
    if (primary.isPresent()) {
      model.session(primary.get());
    }
    return primary.orElse("");
  }

  static Horizon horizon(Query q) throws RequestException {
    Optional<String> text = q.optional("horizon");
    if (text.isEmpty()) {
      return Horizon.DEFAULT;
    }
    Horizon h;
    try {
      h = Horizon.parse(text.get());
    } catch (IllegalArgumentException e) {
      throw RequestException.badRequest("parameter 'horizon': " + e.getMessage());
    }
    if (h.steps() > MAX_HORIZON.steps() || h.step().compareTo(MAX_HORIZON.step()) > 0) {
      throw RequestException.badRequest("parameter 'horizon': at most " + MAX_HORIZON.steps() + " steps of at most 1h");
    }
    return h;
  }

  /** {@code /api/events?primary=ID&series=S&series=T}: both optional; series need the primary. */
  private void events(HttpExchange exchange, Query q) throws RequestException, IOException {
    Optional<String> primary = q.optional("primary");
    Set<String> series = new LinkedHashSet<>();
    for (String s : q.all("series")) {
      series.add(DashboardModel.canonical(s).value());
    }
    if (primary.isPresent()) {
      model.session(primary.get());
    } else if (!series.isEmpty()) {
      throw RequestException.badRequest("parameter 'series' needs 'primary'");
    }
    if (series.size() > 4) {
      throw RequestException.badRequest("parameter 'series': at most 4");
    }
    hub.open(exchange, primary, series);
    onNewClient.run();
  }

  static void json(HttpExchange exchange, int status, JsonObject body) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    HttpEndpoint.respond(exchange, status, "application/json", Json.text(body));
  }
}
