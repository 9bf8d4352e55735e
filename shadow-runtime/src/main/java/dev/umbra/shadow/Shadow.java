package dev.umbra.shadow;

import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.grpc.ServerStartException;
import dev.umbra.shadow.grpc.ShadowServer;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running shadow: the composition root that starts every part from one {@link ShadowConfig}
 * and closes them in reverse order.
 */
public final class Shadow implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Shadow.class);

  private final ShadowConfig config;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final ShadowServer grpc;
  private boolean closed;

  private Shadow(ShadowConfig config) throws ServerStartException {
    this.config = config;
    try {
      this.grpc = ShadowServer.start(config.grpc(), List.of(), List.of());
      started.push(grpc);
    } catch (ServerStartException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts a shadow; on failure everything already started is closed again. */
  public static Shadow start(ShadowConfig config) throws ServerStartException {
    Shadow shadow = new Shadow(config);
    logger.info("shadow started grpc={} data={}", shadow.grpcAddress(), config.dataDir());
    return shadow;
  }

  public ShadowConfig config() {
    return config;
  }

  public InetSocketAddress grpcAddress() {
    return grpc.address();
  }

  /** Blocks until the gRPC server has stopped. */
  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) {
        logger.warn("closing {} failed", part.getClass().getSimpleName(), e);
      }
    }
  }
}
