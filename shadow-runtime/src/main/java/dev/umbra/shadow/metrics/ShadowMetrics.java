package dev.umbra.shadow.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Every metric the shadow exports on {@code /metrics}, in one registry per shadow (so tests can
 * run several shadows in one JVM). Per-point events are counted here, never logged.
 */
public final class ShadowMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();

  public final Counter ingestBatches =
      Counter.builder().name("umbra_ingest_batches_total").help("Telemetry batches received.")
          .register(registry);
  public final Counter ingestPoints =
      Counter.builder().name("umbra_ingest_points_total").help("Points received in batches.")
          .register(registry);
  public final Counter ingestBatchesLost =
      Counter.builder().name("umbra_ingest_batches_lost_total")
          .help("Batches lost between agent and shadow (sequence gaps and agent drops).")
          .register(registry);
  public final Counter ingestRejectedPoints =
      Counter.builder().name("umbra_ingest_rejected_points_total")
          .help("Points refused, by reason.").labelNames("reason").register(registry);
  public final Counter ingestRejectedEvents =
      Counter.builder().name("umbra_ingest_rejected_events_total")
          .help("Heap events (class histograms, old-object samples) refused, by reason.").labelNames("reason")
          .register(registry);
  public final Counter ingestStreamErrors =
      Counter.builder().name("umbra_ingest_stream_errors_total")
          .help("Agent streams closed with an error status, by code.").labelNames("code")
          .register(registry);
  public final Gauge sessions =
      Gauge.builder().name("umbra_sessions").help("Primaries by state.").labelNames("state")
          .register(registry);
  public final Histogram storeWriteSeconds =
      Histogram.builder().name("umbra_store_write_seconds")
          .help("Time to commit one group of grid points to history.").register(registry);
  public final Counter storeGridPoints =
      Counter.builder().name("umbra_store_grid_points_total").help("Grid points committed to history.")
          .register(registry);
  public final Counter storeFailures =
      Counter.builder().name("umbra_store_failures_total").help("History writes that failed.")
          .register(registry);
  public final Histogram ingestToQueryableSeconds =
      Histogram.builder().name("umbra_ingest_to_queryable_seconds")
          .help("From a batch arriving to its points being queryable on the grid.")
          .register(registry);
  public final Histogram forecastSeconds =
      Histogram.builder().name("umbra_forecast_seconds").help("Time to make one forecast.")
          .labelNames("model").register(registry);
  public final Histogram detectorSeconds =
      Histogram.builder().name("umbra_detector_seconds").help("Time to score one grid second.")
          .register(registry);

  public final Counter anomalies =
      Counter.builder().name("umbra_anomalies_total").help("Anomalies detected, by kind.")
          .labelNames("kind").register(registry);
  public final Counter alertWebhookPosts =
      Counter.builder().name("umbra_alert_webhook_posts_total").help("Anomaly alerts the webhook accepted.")
          .register(registry);
  public final Counter alertWebhookFailures =
      Counter.builder().name("umbra_alert_webhook_failures_total")
          .help("Anomaly alerts not delivered to the webhook, by reason.").labelNames("reason").register(registry);

  public ShadowMetrics() {
    JvmMetrics.builder().register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }
}
