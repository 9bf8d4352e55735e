package dev.umbra.shadow.http;

import dev.umbra.shadow.auth.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.config.ShadowConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP port's access rules, on a real endpoint over loopback with hand-written requests. */
class HttpAccessTest {
  private HttpEndpoint http;

  @AfterEach
  void close() {
    if (http != null) {
      http.close();
    }
  }

  private void start(HttpAccess access) throws Exception {
    http = HttpEndpoint.start(new ShadowConfig.Endpoint("127.0.0.1", 0), new PrometheusRegistry(), access);
    http.handle("/api/", exchange -> HttpEndpoint.respond(exchange, 200, "text/plain", "secret data\n"));
  }

  /** Sends one request with exactly these headers; returns the status line. */
  private String get(String path, String... headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", http.address().getPort())) {
      StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nConnection: close\r\n");
      for (String h : headers) {
        request.append(h).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return response.lines().findFirst().orElse("");
    }
  }

  @Nested
  class OnLoopback {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:7071", "localhost", "LOCALHOST:80", "[::1]:7071", "127.1.2.3"})
    void servesRequestsThatNameALoopbackHost(String host) throws Exception {
      start(new HttpAccess(true, Optional.empty()));

      assertThat(get("/api/x", "Host: " + host)).contains(" 200 ");
      assertThat(get("/metrics", "Host: " + host)).contains(" 200 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example:7071", "127.0.0.1.evil.example", "[::2]", "10.0.0.1"})
    void refusesAnyOtherHost_asADnsRebindingPageWouldSendIt(String host) throws Exception {
      start(new HttpAccess(true, Optional.empty()));

      assertThat(get("/api/x", "Host: " + host)).contains(" 403 ");
      assertThat(get("/metrics", "Host: " + host)).contains(" 403 ");
      assertThat(get("/healthz", "Host: " + host)).contains(" 403 ");
    }
  }

  @Nested
  class BeyondLoopback {
    @Test
    void readersNeedTheReaderOrOperatorToken_metricsAndHealthStayOpen() throws Exception {
      start(HttpAccess.of(false, TestTokens.separate()));

      assertThat(get("/api/x", "Host: shadow.example")).contains(" 401 ");
      assertThat(get("/api/x", "Host: shadow.example", "Authorization: Bearer wrong")).contains(" 401 ");
      assertThat(get("/api/x", "Host: shadow.example", "Authorization: Basic cmVhZGVyLXRva2Vu")).contains(" 401 ");
      assertThat(get("/api/x", "Host: shadow.example", "Authorization: Bearer " + TestTokens.READER)).contains(" 200 ");
      assertThat(get("/api/x", "Host: shadow.example", "Authorization: bearer " + TestTokens.OPERATOR)).contains(" 200 ");
      assertThat(get("/api/x", "Host: shadow.example", "Authorization: Bearer " + TestTokens.AGENT))
          .describedAs("the agent's token is not a reader's").contains(" 401 ");
      assertThat(get("/metrics", "Host: shadow.example")).contains(" 200 ");
      assertThat(get("/healthz", "Host: shadow.example")).contains(" 200 ");
    }

    @Test
    void withoutAToken_noReaderPathIsServed() throws Exception {
      http = HttpEndpoint.start(new ShadowConfig.Endpoint("127.0.0.1", 0), new PrometheusRegistry(),
          new HttpAccess(false, Optional.empty()));

      assertThat(http.handle("/api/", exchange -> HttpEndpoint.respond(exchange, 200, "text/plain", "data\n"))).isFalse();
      assertThat(get("/api/x", "Host: shadow.example")).contains(" 404 ");
      assertThat(get("/metrics", "Host: shadow.example")).contains(" 200 ");
    }
  }
}
