package dev.umbra.shadow.grpc;

/** The server could not listen where it was told to; the message says where and why. */
public final class ServerStartException extends Exception {
  private static final long serialVersionUID = 1L;

  public ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
