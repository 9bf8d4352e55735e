package dev.umbra.shadow.ingest;

import java.util.Objects;
import java.util.Optional;

/**
 * What a Hello says beyond who the primary is: the secret it proves (empty from agents that
 * predate it) and the sequence number its next batch will carry (0 when it did not say).
 */
record AgentHello(PrimaryIdentity identity, Optional<SessionSecret> secret, long nextSequence) {
  AgentHello {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(secret, "secret");
    if (nextSequence < 0) {
      throw new IllegalArgumentException("hello.next_sequence is above 2^63: " + Long.toUnsignedString(nextSequence));
    }
  }

  String primaryId() {
    return identity.primaryId();
  }
}
