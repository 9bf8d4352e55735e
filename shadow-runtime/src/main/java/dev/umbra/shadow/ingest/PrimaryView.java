package dev.umbra.shadow.ingest;

import java.util.Objects;

/**
 * A consistent snapshot of one primary for the API: who it is, its stream's state and how much
 * of what it sent arrived.
 *
 * @param loss batches lost over batches sent (received + lost), 0..1
 */
public record PrimaryView(
    PrimaryIdentity identity,
    PrimaryState state,
    long connectedMillis,
    long lastSeenMillis,
    double loss,
    long batchesReceived,
    long batchesLost,
    long pointsReceived,
    long pointsRejected,
    long adviceErrors) {
  public PrimaryView {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(state, "state");
  }

  public String primaryId() {
    return identity.primaryId();
  }
}
