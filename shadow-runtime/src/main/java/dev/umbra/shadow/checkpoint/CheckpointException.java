package dev.umbra.shadow.checkpoint;

/** A checkpoint or rollback that could not be done; the message says why. */
public class CheckpointException extends Exception {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
