package dev.umbra.shadow.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.umbra.proto.v1.AnomalyServiceGrpc;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.ForecastServiceGrpc;
import dev.umbra.shadow.auth.Role;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * A connection to a shadow for the client commands: stubs with the bearer token and a
 * deadline, and the one place a failed call becomes a one-line message.
 */
final class ShadowClient implements AutoCloseable {
  private static final long DEADLINE_SECONDS = 10;
  /**
   * gRPC logs a failed name resolution or connection through JUL: a WARNING with the whole stack
   * trace on stderr, before the call fails with the same cause. The failed call is reported
   * once, as one line ({@link #failed}), with the trace under {@code --verbose}; so the channel's
   * own logging is off. Held here because JUL keeps loggers only weakly, with their level.
   */
  private static final Logger CHANNEL_LOG = Logger.getLogger("io.grpc");
  private static final Logger NETTY_LOG = Logger.getLogger("io.netty");

  static {
    // Netty logs through SLF4J when it is on the class path, and that starts logback: 0.44 s of a
    // 1.7 s 'umbra primaries' (class-load log), for a command that shows none of it. Through
    // JUL, turned off below like gRPC's, it costs nothing. Only client commands load this class.
    io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
        io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
  }

  private final ManagedChannel channel;
  private final String target;
  private final CallCredentials credentials;

  /** A client with the credential of {@code role}: see {@link ClientOptions#token}. */
  ShadowClient(ClientOptions options, Role role) throws UsageException, IOException {
    this.target = options.shadow;
    Optional<String> token = options.token(role, System.getenv());
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new UsageException("--shadow: '" + target + "' is not HOST:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException("--shadow: '" + target + "' has no numeric port");
    }
    if (port < 1 || port > 65535) {
      throw new UsageException("--shadow: port " + port + " is not in 1..65535");
    }
    String host = target.substring(0, colon).replace("[", "").replace("]", "");
    CHANNEL_LOG.setLevel(Level.OFF);
    NETTY_LOG.setLevel(Level.OFF);
    ManagedChannelBuilder<?> builder = ManagedChannelBuilder.forAddress(host, port);
    if (options.tlsCa != null && !options.tlsCa.isBlank()) {
      builder = trusting(host, port, options.tlsCa);
    } else if (options.tls) {
      builder.useTransportSecurity();
    } else {
      builder.usePlaintext();
    }
    this.channel = builder.build();
    this.credentials = token.map(ShadowClient::bearer).orElse(null);
  }

  private static ManagedChannelBuilder<?> trusting(String host, int port, String pem) throws UsageException {
    try {
      return NettyChannelBuilder.forAddress(host, port)
          .sslContext(GrpcSslContexts.forClient().trustManager(new File(pem)).build());
    } catch (SSLException | RuntimeException e) {
      throw new UsageException("--tls-ca: cannot use '" + pem + "' as trusted certificates: " + e.getMessage());
    }
  }

  ControlServiceGrpc.ControlServiceBlockingStub control() {
    var stub = ControlServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    return credentials == null ? stub : stub.withCallCredentials(credentials);
  }

  ForecastServiceGrpc.ForecastServiceBlockingStub forecasts() {
    var stub = ForecastServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    return credentials == null ? stub : stub.withCallCredentials(credentials);
  }

  /** Without a deadline: for streams the user follows until Ctrl-C. */
  AnomalyServiceGrpc.AnomalyServiceBlockingStub anomalies(boolean follow) {
    var stub = AnomalyServiceGrpc.newBlockingStub(channel);
    if (!follow) {
      stub = stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }
    return credentials == null ? stub : stub.withCallCredentials(credentials);
  }

  /** A one-line failure for a call that did not succeed; the call's exception is its cause (--verbose). */
  CallFailedException failed(StatusRuntimeException e) {
    Status s = e.getStatus();
    String detail = s.getDescription() == null ? "" : ": " + s.getDescription();
    String message = switch (s.getCode()) {
      case UNAVAILABLE -> "cannot reach the shadow at " + target + ": " + unreachableReason(s);
      case DEADLINE_EXCEEDED -> "the shadow at " + target + " did not answer in " + DEADLINE_SECONDS + " s";
      case UNAUTHENTICATED, PERMISSION_DENIED -> "refused by the shadow" + detail
          + " (check --data, --token-file or UMBRA_TOKEN)";
      case UNIMPLEMENTED -> "the shadow at " + target + " does not offer this yet" + detail;
      default -> s.getCode() + detail;
    };
    return new CallFailedException(message, e);
  }

  /**
   * Why the channel could not connect. gRPC's description is often just "io exception"; the
   * innermost cause says more ("Connection refused").
   */
  static String unreachableReason(Status status) {
    Throwable root = status.getCause();
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String description = status.getDescription();
    boolean generic = description == null || description.isBlank() || description.equals("io exception");
    if (generic && root != null && root.getMessage() != null && !root.getMessage().isBlank()) {
      // Netty's "Connection refused: /127.0.0.1:1" repeats the address we already name
      String reason = root.getMessage();
      int colon = reason.indexOf(": /");
      reason = colon > 0 ? reason.substring(0, colon) : reason;
      return Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
    return generic ? "unavailable" : description;
  }

  static String json(MessageOrBuilder message) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A call the shadow refused or could not answer (exit 1). */
  static final class CallFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    CallFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
