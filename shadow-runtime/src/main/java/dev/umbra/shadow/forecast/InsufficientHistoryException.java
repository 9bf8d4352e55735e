package dev.umbra.shadow.forecast;

/**
 * A model cannot forecast from the history it was given (too short, or not trained yet). The
 * caller falls back to another model and reports the message as the fallback reason.
 */
public final class InsufficientHistoryException extends Exception {
  private static final long serialVersionUID = 1L;

  public InsufficientHistoryException(String message) {
    super(message);
  }
}
