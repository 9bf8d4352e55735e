package dev.umbra.shadow.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.umbra.shadow.http.HttpEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The page's files, read once from the classpath ({@code dev/umbra/shadow/dashboard/}) and served
 * under {@code /dashboard/}; {@code /} redirects there. Anything else is a 404.
 */
final class Assets implements HttpHandler {
  static final String PREFIX = "/dashboard/";
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml");

  private record Asset(String contentType, byte[] bytes) {}

  private final Map<String, Asset> assets = new HashMap<>();

  Assets(String... names) {
    for (String name : names) {
      String resource = "/dev/umbra/shadow/dashboard/" + name;
      try (InputStream in = Assets.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("dashboard asset " + resource + " is missing from the build");
        }
        String ext = name.substring(name.lastIndexOf('.') + 1);
        assets.put(name, new Asset(TYPES.getOrDefault(ext, "application/octet-stream"), in.readAllBytes()));
      } catch (IOException e) {
        throw new UncheckedIOException("reading dashboard asset " + resource, e);
      }
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      plain(exchange, 405, method + " is not allowed here\n");
      return;
    }
    if (path.equals("/") || path.equals("/dashboard")) {
      exchange.getResponseHeaders().set("Location", PREFIX);
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
      return;
    }
    String name = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : null;
    Asset asset = name == null ? null : assets.get(name.isEmpty() ? "index.html" : name);
    if (asset == null) {
      plain(exchange, 404, "not found: " + path + " (the dashboard is at " + PREFIX + ")\n");
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", asset.contentType());
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    if (method.equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
      return;
    }
    exchange.sendResponseHeaders(200, asset.bytes().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(asset.bytes());
    }
  }

  private static void plain(HttpExchange exchange, int status, String text) throws IOException {
    HttpEndpoint.respond(exchange, status, "text/plain", text);
  }
}
