package dev.umbra.shadow.cli;

/** A command was called wrongly in a way picocli cannot see (exit 2). */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
