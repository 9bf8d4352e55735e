package dev.umbra.shadow.cli;

/** A command whose capability this build does not have yet (exit 1). */
final class NotAvailableException extends Exception {
  private static final long serialVersionUID = 1L;

  NotAvailableException(String command) {
    super("'" + command + "' is not available in this build yet");
  }
}
