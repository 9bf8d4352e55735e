/**
 * What the agent observes, as plain records (points, events, batches) and the bounded
 * {@link dev.umbra.agent.telemetry.BatchBuffer} between the sampler thread that fills it and
 * the transport thread that empties it. No protobuf here: {@code agent.transport} converts.
 */
package dev.umbra.agent.telemetry;
