/**
 * The gRPC side: one {@code TelemetryService.Connect} stream run by the {@code umbra-transport}
 * thread (Hello first and after every reconnect, batches as flow control allows, heartbeats,
 * command results), reconnect with jittered exponential back-off, failing over along the list
 * of shadows and asking a {@link dev.umbra.agent.spawn.ShadowSpawner} to start one where a
 * spawn address does not answer; TLS and the bearer token; and {@link
 * dev.umbra.agent.transport.WireMapping}, the one place agent records and protobuf meet.
 */
package dev.umbra.agent.transport;
