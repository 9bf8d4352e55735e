package dev.umbra.shadow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A client's bounded queue: frames in order, one drain task at a time, closed when it falls behind or fails. */
class EventClientTest {
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final List<EventClient> closed = new ArrayList<>();

  @Test
  void writesFramesInOrder_withOneDrainTaskAtATime() {
    FakeExchange exchange = new FakeExchange(new ByteArrayOutputStream());
    EventClient client = new EventClient(exchange, Optional.of("p"), Set.of(), 8, tasks::add, closed::add);
    client.send("grid", "{\"t\":1}");
    client.send("grid", "{\"t\":2}");
    assertThat(tasks).hasSize(1);
    tasks.poll().run();
    assertThat(exchange.written()).isEqualTo("event: grid\ndata: {\"t\":1}\n\nevent: grid\ndata: {\"t\":2}\n\n");
    client.ping();
    assertThat(tasks).hasSize(1);
    tasks.poll().run();
    assertThat(exchange.written()).endsWith(": ping\n\n");
    assertThat(client.isClosed()).isFalse();
  }

  @Test
  void closesTheClient_whenItFallsFurtherBehindThanItsQueue() {
    FakeExchange exchange = new FakeExchange(new ByteArrayOutputStream());
    EventClient client = new EventClient(exchange, Optional.of("p"), Set.of(), 4, tasks::add, closed::add);
    for (int i = 0; i < 5; i++) {
      client.send("grid", "{}");
    }
    assertThat(client.isClosed()).isTrue();
    assertThat(client.closeReason()).isEqualTo("fell 4 events behind");
    assertThat(closed).containsExactly(client);
    assertThat(tasks).hasSize(2); // the drain scheduled before, and the close
    tasks.poll().run(); // the drain finds the client closed and writes nothing
    assertThat(exchange.written()).isEmpty();
    tasks.poll().run();
    assertThat(exchange.closed).isTrue();
    client.send("grid", "{}");
    assertThat(closed).hasSize(1);
  }

  @Test
  void closesTheClient_whenAWriteFails() {
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("Broken pipe");
      }
    };
    EventClient client = new EventClient(new FakeExchange(broken), Optional.empty(), Set.of(), 4, tasks::add, closed::add);
    client.send("primaries", "{}");
    tasks.poll().run();
    assertThat(client.isClosed()).isTrue();
    assertThat(client.closeReason()).isEqualTo("gone: Broken pipe");
    assertThat(closed).containsExactly(client);
  }

  /** Just enough of an exchange: a response body and whether it was closed. */
  private static final class FakeExchange extends HttpExchange {
    private final OutputStream body;
    boolean closed;

    FakeExchange(OutputStream body) {
      this.body = body;
    }

    String written() {
      return body instanceof ByteArrayOutputStream b ? b.toString(StandardCharsets.UTF_8) : "";
    }

    @Override public Headers getRequestHeaders() { return new Headers(); }
    @Override public Headers getResponseHeaders() { return new Headers(); }
    @Override public URI getRequestURI() { return URI.create("/api/events"); }
    @Override public String getRequestMethod() { return "GET"; }
    @Override public HttpContext getHttpContext() { return null; }
    @Override public void close() { closed = true; }
    @Override public InputStream getRequestBody() { return new ByteArrayInputStream(new byte[0]); }
    @Override public OutputStream getResponseBody() { return body; }
    @Override public void sendResponseHeaders(int rCode, long responseLength) {}
    @Override public InetSocketAddress getRemoteAddress() { return null; }
    @Override public int getResponseCode() { return 200; }
    @Override public InetSocketAddress getLocalAddress() { return null; }
    @Override public String getProtocol() { return "HTTP/1.1"; }
    @Override public Object getAttribute(String name) { return null; }
    @Override public void setAttribute(String name, Object value) {}
    @Override public void setStreams(InputStream i, OutputStream o) {}
    @Override public HttpPrincipal getPrincipal() { return null; }
  }
}
