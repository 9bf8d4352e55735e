/**
 * The gRPC side: one {@code TelemetryService.Connect} stream run by the {@code umbra-transport}
 * thread (Hello first and after every reconnect, batches as flow control allows, heartbeats,
 * command results), reconnect with jittered exponential back-off, and {@link
 * dev.umbra.agent.transport.WireMapping}, the one place agent records and protobuf meet.
 */
package dev.umbra.agent.transport;
