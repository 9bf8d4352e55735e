package dev.umbra.shadow.fleet;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The fleet's metrics, registered in the shadow's (or trainer's) registry. */
final class FleetMetrics {
  final Counter publishedPoints;
  final Counter publishedRecords;
  final Counter droppedPoints;
  final Counter droppedRecords;
  final Gauge bufferedBytes;
  final Gauge bufferedRecords;
  final Gauge kafkaUp;
  final Histogram publishDelaySeconds;
  final Counter modelsReceived;
  final Counter modelSwitches;
  final Counter modelRejections;
  final Counter rebuiltPoints;

  FleetMetrics(PrometheusRegistry registry) {
    publishedPoints = Counter.builder().name("umbra_fleet_published_points_total")
        .help("Grid points Kafka acknowledged (acks=all).").register(registry);
    publishedRecords = Counter.builder().name("umbra_fleet_published_records_total")
        .help("Records Kafka acknowledged, by topic.").labelNames("topic").register(registry);
    droppedPoints = Counter.builder().name("umbra_fleet_dropped_points_total")
        .help("Grid points never published, by reason (buffer-full, handoff-full, rejected, shutdown).")
        .labelNames("reason").register(registry);
    droppedRecords = Counter.builder().name("umbra_fleet_dropped_records_total")
        .help("Records never published, by topic and reason.").labelNames("topic", "reason").register(registry);
    bufferedBytes = Gauge.builder().name("umbra_fleet_buffered_bytes")
        .help("Bytes waiting for Kafka's acknowledgement (bounded by kafka-buffer).").register(registry);
    bufferedRecords = Gauge.builder().name("umbra_fleet_buffered_records")
        .help("Records waiting for Kafka's acknowledgement.").register(registry);
    kafkaUp = Gauge.builder().name("umbra_fleet_kafka_up")
        .help("1 while Kafka acknowledges records, 0 while sends wait or fail.").register(registry);
    publishDelaySeconds = Histogram.builder().name("umbra_fleet_publish_delay_seconds")
        .help("From a record entering the outbox to Kafka's acknowledgement.").register(registry);
    modelsReceived = Counter.builder().name("umbra_fleet_models_received_total")
        .help("Model artifacts read from the models topic.").register(registry);
    modelSwitches = Counter.builder().name("umbra_fleet_model_switches_total")
        .help("Workloads switched to a newer fleet model, by reason (backtest, cold-start).")
        .labelNames("reason").register(registry);
    modelRejections = Counter.builder().name("umbra_fleet_model_rejections_total")
        .help("Newer fleet models not used because their local backtest was worse.").register(registry);
    rebuiltPoints = Counter.builder().name("umbra_fleet_rebuilt_points_total")
        .help("Grid points of newly seen primaries refilled from the series topic.").register(registry);
    kafkaUp.set(0);
  }
}
