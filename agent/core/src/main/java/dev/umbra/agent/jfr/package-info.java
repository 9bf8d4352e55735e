/**
 * The JFR side: the settings per criticality ({@link dev.umbra.agent.jfr.JfrSettings}, pure),
 * the {@code RecordingStream} on the {@code umbra-jfr} thread that folds events into
 * aggregates, and the periodic old-object dump. The sampler thread drains the aggregates.
 */
package dev.umbra.agent.jfr;
