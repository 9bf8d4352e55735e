/**
 * Anomaly detection end to end: a real {@code umbra serve}, the real agent in a {@link
 * dev.umbra.it.primaries.FaultPrimary} that injects faults on cue, and the AnomalyService.
 */
package dev.umbra.it.anomaly;
