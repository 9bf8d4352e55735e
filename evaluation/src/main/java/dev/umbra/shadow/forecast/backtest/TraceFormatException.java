package dev.umbra.shadow.forecast.backtest;

import java.io.IOException;

/** A trace file is missing, unreadable or not in the expected format; the message says where. */
public final class TraceFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public TraceFormatException(String message) {
    super(message);
  }

  public TraceFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
