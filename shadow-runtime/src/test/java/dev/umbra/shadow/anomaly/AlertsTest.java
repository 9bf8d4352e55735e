package dev.umbra.shadow.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.umbra.shadow.grpc.AnomalyMapping;
import dev.umbra.shadow.metrics.ShadowMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Alerts against a real local HTTP server. */
class AlertsTest {
  private final ShadowMetrics metrics = new ShadowMetrics();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private HttpServer server;

  private URI serve(int... statuses) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", exchange -> {
      int n = requests.getAndIncrement();
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(statuses[Math.min(n, statuses.length - 1)], -1);
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static Anomaly anomaly() {
    return TestAnomaly.newBuilder().setId("p-7").setPrimaryId("p").setSeries("mem.heap.used")
        .setKind(Kind.TREND).setScore(0.9).setExplanation("mem.heap.used rising").build();
  }

  @Test
  void postsJson_retryingAfterAServerError() throws Exception {
    URI hook = serve(503, 200);
    try (Alerts alerts = new Alerts(metrics, Optional.of(new Alerts.Webhook(hook, AnomalyMapping::toJson)), Duration.ofSeconds(5), 3, Duration.ofMillis(50))) {
      alerts.accept(anomaly());
    } // close waits for the sender
    assertThat(requests.get()).isEqualTo(2);
    assertThat(bodies.get(1)).contains("\"id\":\"p-7\"", "\"kind\":\"ANOMALY_KIND_TREND\"", "\"series\":\"mem.heap.used\"");
    assertThat(metrics.alertWebhookPosts.get()).isEqualTo(1);
    assertThat(metrics.anomalies.labelValues("trend").get()).isEqualTo(1);
  }

  @Test
  void givesUp_afterTheAttempts_andDoesNotRetryARefusal() throws Exception {
    URI hook = serve(500);
    try (Alerts alerts = new Alerts(metrics, Optional.of(new Alerts.Webhook(hook, AnomalyMapping::toJson)), Duration.ofSeconds(5), 3, Duration.ofMillis(10))) {
      alerts.accept(anomaly());
    }
    assertThat(requests.get()).isEqualTo(3);
    assertThat(metrics.alertWebhookFailures.labelValues("gave_up").get()).isEqualTo(1);
    server.stop(0);
    requests.set(0);
    hook = serve(400);
    try (Alerts alerts = new Alerts(metrics, Optional.of(new Alerts.Webhook(hook, AnomalyMapping::toJson)), Duration.ofSeconds(5), 3, Duration.ofMillis(10))) {
      alerts.accept(anomaly());
    }
    assertThat(requests.get()).isEqualTo(1);
    assertThat(metrics.alertWebhookFailures.labelValues("gave_up").get()).isEqualTo(2);
  }

  @Test
  void aWebhookThatDoesNotListen_isRetriedThenGivenUp() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (Alerts alerts = new Alerts(metrics, Optional.of(new Alerts.Webhook(URI.create("http://127.0.0.1:" + port + "/"), AnomalyMapping::toJson)),
        Duration.ofSeconds(2), 2, Duration.ofMillis(10))) {
      alerts.accept(anomaly());
    }
    assertThat(metrics.alertWebhookFailures.labelValues("gave_up").get()).isEqualTo(1);
  }
}
