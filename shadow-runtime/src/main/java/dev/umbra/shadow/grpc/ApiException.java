package dev.umbra.shadow.grpc;

import io.grpc.Status;

/** A request the API refuses, with the status to answer; turned into that status by {@link ErrorInterceptor}. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Status status;

  public ApiException(Status status) {
    super(status.getDescription());
    this.status = status;
  }

  public Status status() {
    return status;
  }
}
