package dev.umbra.agent.transport;

import dev.umbra.agent.config.ShadowAddress;
import dev.umbra.agent.config.ShadowTargets;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Builds the agent's channels: our event loop, callbacks on it (direct executor), an offload
 * executor for gRPC's blocking work (the host-name look-up), unpooled heap buffers; the shadow's
 * host resolved by {@link ShadowNameResolver} (no JNDI, no proxy); plaintext or TLS.
 */
final class Channels {
  private Channels() {}

  /**
   * @throws IllegalArgumentException when the trusted-certificates file cannot be read as PEM
   */
  @SuppressWarnings("deprecation") // nameResolverFactory: the one way to give a single channel its resolver
  static ManagedChannel build(ShadowAddress address, Optional<ShadowTargets.Tls> tls, EventLoopGroup loop,
      Executor offload) {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(ShadowNameResolver.target(address))
        .nameResolverFactory(ShadowNameResolver.factory(address))
        .eventLoopGroup(loop)
        .channelType(NioSocketChannel.class)
        .withOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(false))
        .directExecutor()
        .offloadExecutor(offload)
        .keepAliveTime(5, TimeUnit.MINUTES)
        .disableRetry()
        .userAgent("umbra-agent/" + WireMapping.AGENT_VERSION);
    if (tls.isEmpty()) {
      return builder.usePlaintext().build();
    }
    try {
      SslContextBuilder ssl = GrpcSslContexts.forClient();
      if (tls.get().trustedCertificates().isPresent()) {
        ssl.trustManager(tls.get().trustedCertificates().get().toFile());
      }
      return builder.useTransportSecurity().sslContext(ssl.build()).build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("cannot set up TLS with "
          + tls.get().trustedCertificates().map(Object::toString).orElse("the default trust store") + ": " + e.getMessage(), e);
    }
  }
}
