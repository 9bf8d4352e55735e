package dev.umbra.shadow.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import dev.umbra.shadow.auth.Credentials;
import dev.umbra.shadow.auth.Role;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may read the HTTP port. On a loopback address every request must name a loopback host in
 * its {@code Host} header, so that a web page on another site cannot reach the shadow through a
 * name that resolves to 127.0.0.1 (DNS rebinding). On any other address the reader paths (the
 * dashboard and its JSON API: they show every primary's series, anomalies and decisions) need
 * {@code Authorization: Bearer <token>} with a token of the reader role (the reader's or the
 * operator's), and are not served at all without credentials; {@code /metrics} and
 * {@code /healthz} stay open for scrapers and probes.
 *
 * @param loopback whether the port is bound to a loopback address
 * @param credentials the shadow's tokens (empty: none, readers are served on loopback only)
 */
public record HttpAccess(boolean loopback, Optional<Credentials> credentials) {
  public HttpAccess {
    Objects.requireNonNull(credentials, "credentials");
  }

  /** The shadow's access: its HTTP endpoint and its credentials. */
  public static HttpAccess of(boolean loopback, Credentials credentials) {
    return new HttpAccess(loopback, Optional.of(credentials));
  }

  /** Whether reader paths may be served on this port at all. */
  boolean servesReaders() {
    return loopback || credentials.isPresent();
  }

  /** The filter every path gets: the Host check on loopback. */
  Filter hostCheck() {
    return new Check("host check", this::hostStatus);
  }

  /** The filter reader paths get: the Host check on loopback, the bearer token elsewhere. */
  Filter readers() {
    return new Check("reader", exchange -> loopback ? hostStatus(exchange)
        : bearer(exchange.getRequestHeaders().getFirst("Authorization")) ? 0 : 401);
  }

  private int hostStatus(HttpExchange exchange) {
    return !loopback || loopbackHost(exchange.getRequestHeaders().getFirst("Host")) ? 0 : 403;
  }

  /** Whether a {@code Host} header names localhost, 127.0.0.0/8 or ::1 (any port). */
  static boolean loopbackHost(String header) {
    if (header == null || header.isBlank()) {
      return false;
    }
    String host = header.trim().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end > 0 && host.substring(1, end).equals("::1");
    }
    int colon = host.indexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    return host.equals("localhost") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  private boolean bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    String presented = header.substring(7).trim();
    return credentials.map(c -> c.rolesOf(presented).contains(Role.READER)).orElse(false);
  }

  /** A filter that answers with a status instead of passing the request on. */
  private static final class Check extends Filter {
    private final String name;
    private final Rule rule;

    Check(String name, Rule rule) {
      this.name = name;
      this.rule = rule;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
      int refused = rule.status(exchange);
      if (refused == 0) {
        chain.doFilter(exchange);
        return;
      }
      if (refused == 401) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      }
      exchange.getRequestBody().close();
      HttpEndpoint.respond(exchange, refused, "text/plain",
          refused == 401 ? "a bearer token is needed (Authorization: Bearer <token>)\n" : "Host not allowed\n");
    }

    @Override
    public String description() {
      return name;
    }
  }

  private interface Rule {
    /** 0 to pass the request on, else the status to answer with. */
    int status(HttpExchange exchange);
  }
}
