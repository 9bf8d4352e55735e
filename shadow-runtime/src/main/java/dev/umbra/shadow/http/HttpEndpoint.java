package dev.umbra.shadow.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.grpc.ServerStartException;
import dev.umbra.shadow.threads.ShadowThreads;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow's HTTP port: {@code /metrics} (Prometheus text format), {@code /healthz}, and any
 * handler other parts add for readers (the dashboard), each behind its {@link HttpAccess}. The JDK's HttpServer is enough for a scrape every
 * few seconds and a handful of dashboard viewers; it needs no further dependency.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(HttpEndpoint.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpAccess access;

  private HttpEndpoint(HttpServer server, ExecutorService executor, HttpAccess access) {
    this.server = server;
    this.executor = executor;
    this.access = access;
  }

  /**
   * An endpoint with {@code /metrics} and {@code /healthz} only (no reader paths may be added
   * unless it is on loopback), e.g. the trainer's.
   *
   * @throws ServerStartException when the address cannot be bound
   */
  public static HttpEndpoint start(ShadowConfig.Endpoint endpoint, PrometheusRegistry registry)
      throws ServerStartException {
    return start(endpoint, registry, new HttpAccess(endpoint.isLoopback(), Optional.empty()));
  }

  /**
   * @param access who may read what (see {@link HttpAccess})
   * @throws ServerStartException when the address cannot be bound
   */
  public static HttpEndpoint start(ShadowConfig.Endpoint endpoint, PrometheusRegistry registry, HttpAccess access)
      throws ServerStartException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(endpoint.host(), endpoint.port()), 64);
    } catch (BindException e) {
      throw new ServerStartException("cannot listen on " + endpoint + " (http): address already in use", e);
    } catch (IOException e) {
      throw new ServerStartException("cannot listen on " + endpoint + " (http): " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(4, ShadowThreads.factory("http", true));
    server.setExecutor(executor);
    server.createContext("/metrics", new MetricsHandler(registry)).getFilters().add(access.hostCheck());
    server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"))
        .getFilters().add(access.hostCheck());
    server.start();
    HttpEndpoint http = new HttpEndpoint(server, executor, access);
    logger.info("HTTP listening on {} (/metrics, /healthz)", http.address());
    return http;
  }

  /**
   * Serves {@code handler} under {@code path} to readers (see {@link HttpAccess}).
   *
   * @return false when the port may not serve readers (not loopback and no token configured):
   *     the path is not served
   */
  public boolean handle(String path, HttpHandler handler) {
    if (!access.servesReaders()) {
      return false;
    }
    server.createContext(path, handler).getFilters().add(access.readers());
    return true;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Writes a complete small response. */
  public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
