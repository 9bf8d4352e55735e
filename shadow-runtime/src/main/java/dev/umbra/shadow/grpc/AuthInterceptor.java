package dev.umbra.shadow.grpc;

import dev.umbra.shadow.auth.Credentials;
import dev.umbra.shadow.auth.Role;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Checks {@code authorization: Bearer <token>} on every call of the shadow's services: no token
 * or an unknown one gets UNAUTHENTICATED; a token whose roles may not call the method
 * ({@link RpcRoles}), or a method without a row, gets PERMISSION_DENIED. The caller's roles and
 * presented session secret go into the call's context ({@link Caller}) for the checks that
 * depend on the request (an agent's own primary).
 */
public final class AuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Credentials credentials;

  public AuthInterceptor(Credentials credentials) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    String presented = bearer(headers.get(AUTHORIZATION));
    Set<Role> roles = credentials.rolesOf(presented);
    if (roles.isEmpty()) {
      return deny(call, Status.UNAUTHENTICATED.withDescription(presented == null
          ? "a bearer token is required (the shadow's credential files: docs/security.md)"
          : "the bearer token is not valid"));
    }
    Set<Role> allowed = RpcRoles.allowed(method).orElse(Set.of());
    if (Collections.disjoint(roles, allowed)) {
      return deny(call, Status.PERMISSION_DENIED.withDescription(allowed.isEmpty()
          ? method + " is not open to any role"
          : method + " needs the role " + describe(allowed)));
    }
    return Contexts.interceptCall(Caller.context(roles, headers.get(Caller.SESSION_SECRET)), call, headers, next);
  }

  private static String describe(Set<Role> roles) {
    return String.join(" or ", roles.stream().sorted().map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
  }

  private static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  private static <Q, R> ServerCall.Listener<Q> deny(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
