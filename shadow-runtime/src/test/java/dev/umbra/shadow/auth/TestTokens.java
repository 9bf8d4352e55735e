package dev.umbra.shadow.auth;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.Map;

/** Credentials for in-process tests of the gRPC edge: one token per role, and one that holds them all. */
public final class TestTokens {
  public static final String AGENT = "agent-test-token";
  public static final String READER = "reader-test-token";
  public static final String OPERATOR = "operator-test-token";

  private TestTokens() {}

  /** Separate tokens per role. */
  public static Credentials separate() {
    return new Credentials(Map.of(Role.AGENT, AGENT, Role.READER, READER, Role.OPERATOR, OPERATOR));
  }

  /** {@link #ALL} holds every role: for tests about something else than who may call. */
  public static final String ALL = "all-roles-test-token";

  public static Credentials allRoles() {
    return new Credentials(Map.of(Role.AGENT, ALL, Role.READER, ALL, Role.OPERATOR, ALL));
  }

  /**
   * For a channel to a real shadow whose data folder is {@code data}: the agent's token from its
   * credential file on TelemetryService calls, the operator's on every other call.
   */
  public static ClientInterceptor fromDataFolder(java.nio.file.Path data) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(io.grpc.MethodDescriptor<Q, R> method,
          io.grpc.CallOptions options, io.grpc.Channel next) {
        Role role = "umbra.v1.TelemetryService".equals(method.getServiceName()) ? Role.AGENT : Role.OPERATOR;
        String token;
        try {
          token = CredentialFiles.read(CredentialFiles.file(data, role));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return bearer(token).interceptCall(method, options, next);
      }
    };
  }

  /** Sends {@code authorization: Bearer token} on every call of a channel. */
  public static ClientInterceptor bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }
}
