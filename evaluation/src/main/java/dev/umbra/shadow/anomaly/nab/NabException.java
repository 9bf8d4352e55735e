package dev.umbra.shadow.anomaly.nab;

/** Bad NAB input (missing file, wrong columns, a value that is not a number): the message is one line naming the file. */
public final class NabException extends Exception {
  private static final long serialVersionUID = 1L;

  public NabException(String message) {
    super(message);
  }
}
