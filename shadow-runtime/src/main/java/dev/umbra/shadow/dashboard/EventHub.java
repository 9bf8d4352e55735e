package dev.umbra.shadow.dashboard;

import com.sun.net.httpserver.HttpExchange;
import dev.umbra.shadow.threads.ShadowThreads;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open event streams. Whatever the number of clients, two threads write: a client's frames
 * wait in its own bounded queue. Thread-safe.
 */
final class EventHub implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(EventHub.class);

  private final int maxClients;
  private final int queueLimit;
  private final Set<EventClient> clients = ConcurrentHashMap.newKeySet();
  private final ExecutorService writers = Executors.newFixedThreadPool(2, ShadowThreads.factory("dashboard-sse", true));
  private volatile boolean closed;

  EventHub(int maxClients, int queueLimit) {
    this.maxClients = maxClients;
    this.queueLimit = queueLimit;
  }

  /**
   * Starts an event stream on {@code exchange} and returns at once; the exchange stays open.
   *
   * @throws RequestException 503 when {@code maxClients} streams are open
   */
  EventClient open(HttpExchange exchange, Optional<String> primaryId, Set<String> series)
      throws RequestException, IOException {
    if (closed) {
      throw new RequestException(503, "the shadow is shutting down");
    }
    if (clients.size() >= maxClients) {
      throw new RequestException(503, maxClients + " event streams are open; close one");
    }
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, 0);
    EventClient client = new EventClient(exchange, primaryId, series, queueLimit, writers, this::closed);
    clients.add(client);
    logger.debug("event stream opened primary={} series={} clients={}", primaryId.orElse("-"), series, clients.size());
    client.offer("retry: 2000\n\n");
    return client;
  }

  private void closed(EventClient client) {
    clients.remove(client);
    logger.debug("event stream closed primary={} reason={} clients={}", client.primaryId().orElse("-"),
        client.closeReason(), clients.size());
  }

  /** Sends an event to every client {@code to} accepts. */
  void send(Predicate<EventClient> to, String name, String json) {
    for (EventClient client : clients) {
      if (to.test(client)) {
        client.send(name, json);
      }
    }
  }

  void ping() {
    clients.forEach(EventClient::ping);
  }

  List<EventClient> clients() {
    return List.copyOf(clients);
  }

  boolean anyFollows(String primaryId) {
    for (EventClient client : clients) {
      if (client.follows(primaryId)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    closed = true;
    for (EventClient client : clients) {
      client.close("the shadow is shutting down");
    }
    writers.shutdown();
    try {
      if (!writers.awaitTermination(2, TimeUnit.SECONDS)) {
        writers.shutdownNow();
      }
    } catch (InterruptedException e) {
      writers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
