package dev.umbra.shadow.dashboard;

/** A request the dashboard refuses: answered with {@code status} and {@code {"error": message}}. */
final class RequestException extends Exception {
  private final int status;

  RequestException(int status, String message) {
    super(message);
    this.status = status;
  }

  static RequestException badRequest(String message) {
    return new RequestException(400, message);
  }

  static RequestException notFound(String message) {
    return new RequestException(404, message);
  }

  int status() {
    return status;
  }
}
