package dev.umbra.shadow.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Checks {@code authorization: Bearer <token>} when tokens are configured. Calls that change a
 * primary (checkpoint, rollback, sampling) need the admin token; everything else accepts the
 * client token or the admin token. Health and reflection stay open so probes work.
 */
public final class AuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Methods that need the admin token. */
  static final Set<String> ADMIN_METHODS =
      Set.of(
          "umbra.v1.ControlService/Checkpoint",
          "umbra.v1.ControlService/Rollback",
          "umbra.v1.ControlService/SetSampling");

  private final Optional<String> token;
  private final Optional<String> adminToken;

  public AuthInterceptor(Optional<String> token, Optional<String> adminToken) {
    this.token = token;
    this.adminToken = adminToken;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (method.startsWith("grpc.health.") || method.startsWith("grpc.reflection.")) {
      return next.startCall(call, headers);
    }
    String presented = bearer(headers.get(AUTHORIZATION));
    boolean admin = adminToken.isPresent() && matches(adminToken.get(), presented);
    if (ADMIN_METHODS.contains(method)) {
      if ((token.isPresent() || adminToken.isPresent()) && !admin) {
        return deny(call, Status.PERMISSION_DENIED.withDescription(method + " needs the admin token"));
      }
    } else if (token.isPresent() && !admin && !matches(token.get(), presented)) {
      return deny(
          call,
          Status.UNAUTHENTICATED.withDescription(
              presented == null ? "a bearer token is required" : "the bearer token is not valid"));
    }
    return next.startCall(call, headers);
  }

  private static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  private static boolean matches(String expected, String presented) {
    return presented != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  private static <Q, R> ServerCall.Listener<Q> deny(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
