package dev.umbra.shadow.checkpoint;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a stored checkpoint holds: one entry per application state, each with its SHA-256, and
 * a SHA-256 over all of them. Immutable.
 *
 * @param sha256 SHA-256 over the states' names and digests in order (hex)
 */
public record CheckpointManifest(
    String id,
    String primaryId,
    String workload,
    String engine,
    Instant created,
    List<StateEntry> states,
    String sha256,
    Trust trust) {

  public CheckpointManifest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(created, "created");
    states = List.copyOf(states);
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(trust, "trust");
  }

  /** One state's bytes in the checkpoint. */
  public record StateEntry(String name, long sizeBytes, String sha256) {
    public StateEntry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sha256, "sha256");
    }
  }

  /** How far a checkpoint is trusted. */
  public enum Trust {
    /** Stored and verified; not yet through its quiet period. */
    TAKEN,
    /** Survived the quiet period with no anomaly: a rollback target. */
    KNOWN_GOOD,
    /** Failed its checksum; never restored. */
    CORRUPT
  }

  public long sizeBytes() {
    return states.stream().mapToLong(StateEntry::sizeBytes).sum();
  }

  public CheckpointManifest withTrust(Trust newTrust) {
    return new CheckpointManifest(id, primaryId, workload, engine, created, states, sha256, newTrust);
  }
}
