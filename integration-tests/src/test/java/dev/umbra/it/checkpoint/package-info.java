/**
 * Checkpoint and rollback end to end: {@code umbra run} supervising real primaries (app,
 * restart and, with a CRaC JDK, crac engines), faults that corrupt state and show in
 * telemetry, automatic rollback, exit codes and signals; and the app engine's benchmark.
 */
package dev.umbra.it.checkpoint;
