package dev.umbra.shadow.grpc;

import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.threads.ShadowThreads;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow's gRPC server: the given services behind the given interceptors, plus the standard
 * health ({@code grpc.health.v1.Health}) and reflection services. Owns its event loops and
 * executor; {@link #close()} stops them within a few seconds.
 */
public final class ShadowServer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ShadowServer.class);

  /** Largest message the server accepts; a bigger one fails with RESOURCE_EXHAUSTED. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 4 * 1024 * 1024;

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService executor;
  private final ShadowConfig.Endpoint endpoint;
  private boolean closed;
  private boolean terminal;

  private ShadowServer(
      ShadowConfig.Endpoint endpoint,
      ShadowConfig.Security security,
      List<BindableService> services,
      List<ServerInterceptor> interceptors) {
    this.endpoint = endpoint;
    this.boss =
        new MultiThreadIoEventLoopGroup(1, ShadowThreads.factory("grpc-boss", true), NioIoHandler.newFactory());
    this.workers =
        new MultiThreadIoEventLoopGroup(
            2, ShadowThreads.factory("grpc-io", true), NioIoHandler.newFactory());
    this.executor =
        Executors.newFixedThreadPool(
            Math.max(4, Runtime.getRuntime().availableProcessors() * 2),
            ShadowThreads.factory("grpc", true));
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(endpoint.host(), endpoint.port()))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .channelType(NioServerSocketChannel.class)
            .executor(executor)
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    if (security.tls()) {
      builder.useTransportSecurity(security.tlsCert().get().toFile(), security.tlsKey().get().toFile());
    }
    for (BindableService service : services) {
      ServerServiceDefinition definition = service.bindService();
      builder.addService(ShadowApi.bind(definition, interceptors));
      health.setStatus(definition.getServiceDescriptor().getName(), ServingStatus.SERVING);
    }
    builder.addService(health.getHealthService());
    builder.addService(ProtoReflectionServiceV1.newInstance());
    this.server = builder.build();
  }

  /**
   * Starts listening. Interceptors run last to first: the last one sees a call first.
   *
   * @throws ServerStartException when the address cannot be bound (in use, not local, denied)
   */
  public static ShadowServer start(
      ShadowConfig.Endpoint endpoint,
      ShadowConfig.Security security,
      List<BindableService> services,
      List<ServerInterceptor> interceptors)
      throws ServerStartException {
    Objects.requireNonNull(endpoint, "endpoint");
    ShadowServer shadowServer;
    try {
      shadowServer = new ShadowServer(endpoint, security, List.copyOf(services), List.copyOf(interceptors));
    } catch (IllegalArgumentException e) {
      throw new ServerStartException("cannot use TLS files: " + e.getMessage(), e);
    }
    try {
      shadowServer.server.start();
    } catch (IOException e) {
      shadowServer.close();
      throw new ServerStartException(
          "cannot listen on " + endpoint + ": " + bindFailure(e), e);
    }
    shadowServer.health.setStatus("", ServingStatus.SERVING);
    logger.info("gRPC listening on {}", shadowServer.address());
    return shadowServer;
  }

  private static String bindFailure(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException || (t.getMessage() != null && t.getMessage().contains("in use"))) {
        String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        return message.contains("in use") ? "address already in use" : t.getMessage();
      }
    }
    return e.getMessage();
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  public ShadowConfig.Endpoint endpoint() {
    return endpoint;
  }

  /** Stops accepting new calls; calls in flight finish. */
  public void shutdown() {
    enterTerminalState();
    server.shutdown();
  }

  /** Stops accepting calls and cancels those in flight. */
  public void shutdownNow() {
    enterTerminalState();
    server.shutdownNow();
  }

  /** Once only: a second call makes grpc log "Already terminating" with a stack trace. */
  private synchronized void enterTerminalState() {
    if (!terminal) {
      terminal = true;
      health.enterTerminalState();
    }
  }

  /** Blocks until the server has terminated. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Marks the server NOT_SERVING, then stops it: calls in flight get 5 s to finish. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
