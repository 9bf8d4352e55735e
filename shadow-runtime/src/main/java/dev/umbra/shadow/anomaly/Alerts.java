package dev.umbra.shadow.anomaly;

import dev.umbra.shadow.metrics.ShadowMetrics;
import dev.umbra.shadow.threads.ShadowThreads;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people about anomalies: one log line each, {@code umbra_anomalies_total{kind}}, and, when
 * configured, a JSON POST to a webhook (the body is the wire edge's business: {@code Shadow} posts
 * the JSON mapping of {@code umbra.v1.Anomaly}, docs/architecture.md), from its own thread
 * ({@code umbra-alert-webhook-1}), with a timeout per attempt and retries with backoff on
 * errors and 5xx/429 answers. A webhook that is down never slows detection: at most
 * {@link #QUEUE} alerts wait, later ones are dropped and counted.
 */
public final class Alerts implements Consumer<Anomaly>, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Alerts.class);
  static final int QUEUE = 100;

  private final ShadowMetrics metrics;
  private final Optional<Webhook> webhook;
  private final Duration timeout;
  private final int attempts;
  private final Duration backoff;
  private final HttpClient http;
  private final ThreadPoolExecutor sender;

  /**
   * Where to POST and what: {@code body} turns an anomaly into the request's JSON.
   */
  public record Webhook(URI uri, Function<Anomaly, String> body) {
    public Webhook {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * @param webhook where to POST, if anywhere
   * @param timeout per attempt
   * @param attempts tries per alert, at least 1
   * @param backoff wait before the second attempt; doubles after each
   */
  public Alerts(ShadowMetrics metrics, Optional<Webhook> webhook, Duration timeout, int attempts, Duration backoff) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts " + attempts + " < 1");
    }
    this.metrics = metrics;
    this.webhook = webhook;
    this.timeout = timeout;
    this.attempts = attempts;
    this.backoff = backoff;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
        ShadowThreads.factory("alert-webhook", true));
  }

  /** Log line and counter only. */
  public static Alerts logOnly(ShadowMetrics metrics) {
    return new Alerts(metrics, Optional.empty(), Duration.ofSeconds(5), 1, Duration.ZERO);
  }

  @Override
  public void accept(Anomaly a) {
    String kind = kindLabel(a);
    logger.warn("anomaly id={} primary={} kind={} series={} score={} {}", a.id(), a.primaryId(), kind,
        a.series(), String.format(Locale.ROOT, "%.3f", a.score()), a.explanation());
    metrics.anomalies.labelValues(kind).inc();
    if (webhook.isPresent()) {
      String body = webhook.get().body().apply(a);
      try {
        sender.execute(() -> post(webhook.get().uri(), a.id(), body));
      } catch (RejectedExecutionException e) {
        metrics.alertWebhookFailures.labelValues("queue_full").inc();
        logger.warn("alert webhook queue full; anomaly {} not posted", a.id());
      }
    }
  }

  static String kindLabel(Anomaly a) {
    return a.kind().name().toLowerCase(Locale.ROOT);
  }

  private void post(URI uri, String id, String body) {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "umbra-shadow")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    long waitMillis = backoff.toMillis();
    String last = "";
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        int code = response.statusCode();
        if (code >= 200 && code < 300) {
          metrics.alertWebhookPosts.inc();
          return;
        }
        last = "HTTP " + code;
        if (code < 500 && code != 429) {
          break; // the webhook refuses this request; retrying will not help
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (attempt < attempts) {
        try {
          Thread.sleep(waitMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        waitMillis *= 2;
      }
    }
    metrics.alertWebhookFailures.labelValues("gave_up").inc();
    logger.warn("alert webhook {} failed for anomaly {}: {}", uri, id, last);
  }

  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        sender.shutdownNow();
      }
    } catch (InterruptedException e) {
      sender.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
