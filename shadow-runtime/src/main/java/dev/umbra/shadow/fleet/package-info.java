/**
 * Fleet mode: a node shadow that shares what it sees through Apache Kafka and takes back
 * models trained on the whole fleet.
 *
 * <ul>
 *   <li>{@link dev.umbra.shadow.fleet.SeriesPublisher} (thread {@code umbra-fleet-batch}) turns
 *       each primary's closed grid seconds into {@code SeriesBatch} records on {@code
 *       umbra.series.v1}; {@link dev.umbra.shadow.fleet.EventPublisher} sends anomalies,
 *       decisions and checkpoint metadata to {@code umbra.events.v1}. Both go through one
 *       {@link dev.umbra.shadow.fleet.Outbox} (thread {@code umbra-fleet-send}): a bounded
 *       buffer in front of an idempotent producer ({@code acks=all}).
 *   <li><b>Acknowledged</b> means: the broker acknowledged the record with {@code acks=all}
 *       (every in-sync replica has it). An acknowledged record is never lost, whatever happens to
 *       the shadow. Records not yet acknowledged wait in the outbox, up to {@code kafka-buffer}
 *       bytes; past that the oldest are dropped and counted ({@code
 *       umbra_fleet_dropped_points_total}). Local operation never waits for Kafka: ingest,
 *       history, forecasts and acks to agents go on as without a fleet. What a hard-killed shadow
 *       had acknowledged to its agents but not yet handed to Kafka (at most about one {@code
 *       kafka-batch} plus the linger) stays in its local history only.
 *   <li>{@link dev.umbra.shadow.fleet.ModelFeed} (thread {@code umbra-fleet-models}) reads the
 *       compacted {@code umbra.models.v1}; {@link dev.umbra.shadow.fleet.FleetModels} switches a
 *       workload to a newer version only if its backtest on this shadow's recent data is not
 *       worse than what it uses now.
 *   <li>{@link dev.umbra.shadow.fleet.WindowRebuilder} (thread {@code umbra-fleet-rebuild})
 *       refills the recent window of a primary that is new to this shadow from {@code
 *       umbra.series.v1}, so a primary that failed over keeps its history.
 *   <li>{@link dev.umbra.shadow.fleet.FleetTrainer} is the {@code umbra train} role.
 * </ul>
 *
 * <p>Protobuf ({@code dev.umbra.proto.v1}) is this package's wire format to Kafka.
 */
package dev.umbra.shadow.fleet;
