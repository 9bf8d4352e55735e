/**
 * Checkpoint and rollback: the {@link dev.umbra.shadow.checkpoint.CheckpointStore} on disk and the
 * {@link dev.umbra.shadow.checkpoint.CheckpointCoordinator} that asks agents to snapshot and
 * restore. The coordinator's timer ({@code umbra-checkpoint-1}) promotes checkpoints to
 * known-good and takes periodic ones; uploads and downloads run on gRPC threads.
 */
package dev.umbra.shadow.checkpoint;
