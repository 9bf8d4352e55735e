package dev.umbra.shadow.series;

import java.util.Objects;

/**
 * What the history remembers of a primary run, so that a restarted shadow still lists it and
 * still finds its history by workload.
 *
 * @param durableSequence the highest batch sequence whose points are all stored
 */
public record PrimaryRecord(
    String primaryId,
    String workload,
    String workloadName,
    String host,
    long pid,
    long jvmStartMillis,
    long firstSeenMillis,
    long lastSeenMillis,
    String agentVersion,
    long durableSequence) {
  public PrimaryRecord {
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(workloadName, "workloadName");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(agentVersion, "agentVersion");
  }
}
