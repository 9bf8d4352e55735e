package dev.umbra.it.support;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The credentials a shadow makes in its data folder ({@code credentials/<role>.token}), as the
 * tests' clients and agents use them: one place, so every helper that starts a shadow, an agent
 * or a client sends what docs/security.md says a real one would.
 */
public final class ShadowCredentials {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Path data;

  public ShadowCredentials(Path data) {
    this.data = data;
  }

  /** The token file of {@code role}: {@code agent}, {@code reader} or {@code operator}. */
  public Path file(String role) {
    return data.resolve("credentials").resolve(role + ".token");
  }

  /** The token of {@code role}, read now (the shadow makes the files when it starts). */
  public String token(String role) {
    try {
      return Files.readString(file(role)).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("no " + role + " credential for the shadow of " + data, e);
    }
  }

  /** The agent option that hands a real agent its token, never the token itself: {@code token.file=…}. */
  public String agentOption() {
    return "token.file=" + file("agent");
  }

  /** Bearer headers carrying {@code token}. */
  public static Metadata bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    return headers;
  }

  /**
   * Sends the agent's token on TelemetryService calls (an agent's) and the operator's on every
   * other call (the operator may do all a reader may): the tests' clients play both parts. Before
   * the shadow has made its files (a spawned one not started yet) a call goes without a token, and
   * fails with the status a poll expects (UNAVAILABLE, or UNAUTHENTICATED).
   */
  public ClientInterceptor asTestClient() {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        String role = method.getServiceName() != null && method.getServiceName().equals("umbra.v1.TelemetryService")
            ? "agent" : "operator";
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            if (!headers.containsKey(AUTHORIZATION) && Files.isReadable(file(role))) {
              headers.put(AUTHORIZATION, "Bearer " + token(role));
            }
            super.start(listener, headers);
          }
        };
      }
    };
  }
}
