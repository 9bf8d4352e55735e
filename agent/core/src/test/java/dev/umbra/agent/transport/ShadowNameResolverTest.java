package dev.umbra.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.config.ShadowAddress;
import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShadowNameResolverTest {
  private final SynchronizationContext context = new SynchronizationContext((thread, error) -> {
    throw new AssertionError(error);
  });
  /** The offload executor, run by hand. */
  private final Queue<Runnable> offload = new ArrayDeque<>();
  private final List<NameResolver.ResolutionResult> results = new CopyOnWriteArrayList<>();

  @Test
  void looksTheHostUpWhenStarted_andAgainAtEveryRefresh() {
    ShadowNameResolver resolver = resolver(new ShadowAddress("127.0.0.1", 7070));

    context.execute(() -> resolver.start(listener()));
    runOffload();
    context.execute(resolver::refresh);
    runOffload();

    assertThat(results).hasSize(2);
    assertThat(results).allSatisfy(r -> assertThat(addresses(r)).containsExactly(new InetSocketAddress("127.0.0.1", 7070)));
  }

  @Test
  void oneLookUpAtATime_refreshesDuringItAddNone() {
    ShadowNameResolver resolver = resolver(new ShadowAddress("127.0.0.1", 7070));

    context.execute(() -> {
      resolver.start(listener());
      resolver.refresh();
      resolver.refresh();
    });

    assertThat(offload).hasSize(1);
  }

  @Test
  void anUnresolvableHost_isUnavailable_namingTheHost() {
    ShadowNameResolver resolver = resolver(new ShadowAddress("[::1", 7070)); // no look-up: rejected as a bad IPv6 literal

    context.execute(() -> resolver.start(listener()));
    runOffload();

    StatusOr<List<EquivalentAddressGroup>> outcome = results.get(0).getAddressesOrError();
    assertThat(outcome.hasValue()).isFalse();
    assertThat(outcome.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(outcome.getStatus().getDescription()).startsWith("cannot resolve the shadow's host [::1: ");
  }

  @Test
  void reportsNothingOnceShutDown() {
    ShadowNameResolver resolver = resolver(new ShadowAddress("127.0.0.1", 7070));
    context.execute(() -> resolver.start(listener()));

    context.execute(resolver::shutdown);
    runOffload();

    assertThat(results).isEmpty();
  }

  @Test
  void namesTheAuthority_andTheTarget_withIpv6InBrackets() {
    assertThat(resolver(new ShadowAddress("::1", 7070)).getServiceAuthority()).isEqualTo("[::1]:7070");
    assertThat(ShadowNameResolver.target(new ShadowAddress("::1", 7070))).isEqualTo("umbra-shadow://[::1]:7070");
    assertThat(ShadowNameResolver.target(new ShadowAddress("shadow.local", 7070))).isEqualTo("umbra-shadow://shadow.local:7070");
  }

  @Test
  void theFactoryAnswersOnlyItsOwnScheme() {
    NameResolver.Factory factory = ShadowNameResolver.factory(new ShadowAddress("127.0.0.1", 7070));
    NameResolver.Args args = NameResolver.Args.newBuilder()
        .setDefaultPort(443)
        .setProxyDetector(address -> null)
        .setSynchronizationContext(context)
        .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
          @Override
          public NameResolver.ConfigOrError parseServiceConfig(java.util.Map<String, ?> rawServiceConfig) {
            return NameResolver.ConfigOrError.fromConfig(rawServiceConfig);
          }
        })
        .setOffloadExecutor(offload::add)
        .build();

    assertThat(factory.getDefaultScheme()).isEqualTo("umbra-shadow");
    assertThat(factory.newNameResolver(URI.create("umbra-shadow://127.0.0.1:7070"), args)).isInstanceOf(ShadowNameResolver.class);
    assertThat(factory.newNameResolver(URI.create("dns:///127.0.0.1:7070"), args)).isNull();
  }

  @Test
  void aChannelToAHostName_connects() throws Exception {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ExecutorService executor = Executors.newSingleThreadExecutor();
    ManagedChannel channel = Channels.build(new ShadowAddress("localhost", server.getPort()), Optional.empty(), loop, executor);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (channel.getState(true) != ConnectivityState.READY && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }

      assertThat(channel.getState(false)).isEqualTo(ConnectivityState.READY);
      assertThat(channel.authority()).isEqualTo("localhost:" + server.getPort());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      executor.shutdownNow();
      loop.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(5000);
    }
  }

  private ShadowNameResolver resolver(ShadowAddress address) {
    return new ShadowNameResolver(address, offload::add, context);
  }

  private NameResolver.Listener2 listener() {
    return new NameResolver.Listener2() {
      @Override
      public void onResult(NameResolver.ResolutionResult result) {
        results.add(result);
      }

      @Override
      public void onError(Status error) {
        throw new AssertionError("errors come as results: " + error);
      }
    };
  }

  private void runOffload() {
    Runnable task;
    while ((task = offload.poll()) != null) {
      task.run();
    }
  }

  private static List<SocketAddress> addresses(NameResolver.ResolutionResult result) {
    return result.getAddressesOrError().getValue().stream().flatMap(g -> g.getAddresses().stream()).toList();
  }
}
