package dev.umbra.shadow.checkpoint;

/** A stored checkpoint whose bytes do not match its manifest. */
public final class CorruptCheckpointException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  public CorruptCheckpointException(String message) {
    super(message);
  }
}
