package dev.umbra.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.command.CommandHandler;
import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.config.ShadowAddress;
import dev.umbra.agent.config.ShadowTargets;
import dev.umbra.agent.jfr.JfrCollector;
import dev.umbra.agent.sampler.JvmIntrospection;
import dev.umbra.agent.sampler.Sampler;
import dev.umbra.agent.telemetry.AgentStatus;
import dev.umbra.agent.telemetry.BatchBuffer;
import dev.umbra.agent.telemetry.Identity;
import dev.umbra.agent.transport.ShadowConnection;
import dev.umbra.proto.v1.Ack;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CRaC resource's callbacks driven directly (no CRaC JDK here) on the agent's real parts: the
 * sampler, the JFR stream, and the transport over real sockets (Netty) to a gRPC server that
 * records every stream, acknowledges every batch, and sees each stream end.
 */
class CracResourceTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final Shadow shadow = new Shadow();
  private final BatchBuffer buffer = new BatchBuffer(100);
  private final AtomicReference<OptionalLong> restoreTime = new AtomicReference<>(OptionalLong.of(-1));
  private Server server;
  private Sampler sampler;
  private CommandHandler commands;
  private CracResource resource;

  /** Records every message per stream; acknowledges batches; counts streams that ended. */
  static final class Shadow extends TelemetryServiceGrpc.TelemetryServiceImplBase {
    final List<List<AgentMessage>> streams = new CopyOnWriteArrayList<>();
    final AtomicInteger ended = new AtomicInteger();

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<ShadowCommand> responses) {
      List<AgentMessage> received = new CopyOnWriteArrayList<>();
      streams.add(received);
      return new StreamObserver<>() {
        @Override
        public void onNext(AgentMessage message) {
          received.add(message);
          if (message.hasBatch()) {
            responses.onNext(ShadowCommand.newBuilder()
                .setAck(Ack.newBuilder().setSequence(message.getBatch().getSequence())).build());
          }
        }

        @Override
        public void onError(Throwable t) {
          ended.incrementAndGet();
        }

        @Override
        public void onCompleted() {
          ended.incrementAndGet();
          responses.onCompleted();
        }
      };
    }

    Hello hello(int stream) {
      return streams.get(stream).get(0).getHello();
    }

    List<Long> sequences(int stream) {
      List<Long> out = new ArrayList<>();
      streams.get(stream).stream().filter(AgentMessage::hasBatch).forEach(m -> out.add(m.getBatch().getSequence()));
      return out;
    }
  }

  private static final AgentStatus STATUS = new AgentStatus() {
    @Override
    public boolean jfrRunning() {
      return true;
    }

    @Override
    public boolean ioHooksInstalled() {
      return false;
    }

    @Override
    public boolean cracAvailable() {
      return true;
    }

    @Override
    public List<String> manageableFlags() {
      return List.of();
    }

    @Override
    public long adviceErrors() {
      return 0;
    }

    @Override
    public double agentCpuMillis() {
      return 0;
    }
  };

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(shadow).build().start();
    Sampling sampling = Sampling.preset(Criticality.NORMAL)
        .withGaugePeriod(Duration.ofMillis(100)).withBatchPeriod(Duration.ofMillis(200));
    Clock clock = Clock.systemUTC();
    sampler = new Sampler(sampling, clock, buffer, Optional.empty(), 8);
    commands = new CommandHandler(new CommandHandler.SamplingTarget() {
      @Override
      public Sampling current() {
        return sampler.sampling();
      }

      @Override
      public void apply(Sampling next) {
        sampler.apply(next);
      }
    }, CommandHandler.hotSpot());
    ShadowTargets shadowTargets = ShadowTargets.of(new ShadowAddress("127.0.0.1", server.getPort()));
    ShadowConnection.Setup setup =
        new ShadowConnection.Setup(sampler::sampling, Map.of(), sampler::nextSequence, buffer, commands, STATUS, clock);
    Identity identity = JvmIntrospection.identity(Map.of("sun.java.command", "app.jar"));
    resource = new CracResource(new CracResource.Parts(sampler, buffer,
        () -> JfrCollector.start(sampler.sampling(), 8), (id, secret) -> ShadowConnection.open(shadowTargets, setup, id, secret)),
        identity, restoreTime::get);
    sampler.useJfr(resource.startJfr());
    sampler.start();
    resource.connect();
    await("the first stream carries batches", () -> shadow.streams.size() == 1 && shadow.sequences(0).size() >= 2);
  }

  @AfterEach
  void stop() throws InterruptedException {
    resource.close();
    sampler.close();
    commands.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void beforeCheckpoint_endsTheStream_andLeavesNoSocketNorJfrFileOpen() throws Exception {
    assertThat(socketsTo(server.getPort())).isOne();
    assertThat(openJfrFiles()).isNotEmpty();

    resource.beforeCheckpoint();

    await("the shadow sees the stream end", () -> shadow.ended.get() == 1);
    assertThat(socketsTo(server.getPort())).isZero();
    assertThat(openJfrFiles()).isEmpty();
    assertThat(resource.jfr()).isEmpty();
    assertThat(resource.connection().connected()).isFalse();
    assertThat(buffer.size()).as("every batch acknowledged before the stream closed").isZero();
  }

  @Test
  void afterRestore_inARestoredJvm_speaksAsANewRun_andTelemetryFlowsAgain() throws Exception {
    Hello before = shadow.hello(0);
    resource.beforeCheckpoint();
    long restoredAt = System.currentTimeMillis();
    restoreTime.set(OptionalLong.of(restoredAt));

    resource.afterRestore();

    await("a second stream carries batches", () -> shadow.streams.size() == 2 && !shadow.sequences(1).isEmpty());
    Hello after = shadow.hello(1);
    assertThat(after.getPrimaryId()).isEqualTo(before.getHost() + "/" + ProcessHandle.current().pid() + "/" + restoredAt)
        .isNotEqualTo(before.getPrimaryId());
    assertThat(after.getJvmStartUnixMs()).isEqualTo(restoredAt);
    assertThat(after.getWorkload()).isEqualTo(before.getWorkload());
    assertThat(after.getSessionSecret()).hasSize(32).isNotEqualTo(before.getSessionSecret());
    assertThat(after.getNextSequence()).isOne();
    assertThat(shadow.sequences(1).get(0)).isOne();
    assertThat(resource.identity().primaryId()).isEqualTo(after.getPrimaryId());
    assertThat(resource.jfr()).isPresent();
    assertThat(socketsTo(server.getPort())).isOne();
  }

  @Test
  void afterRestore_afterAFailedCheckpoint_resumesTheSameRun() throws Exception {
    Hello before = shadow.hello(0);
    resource.beforeCheckpoint();
    long lastSent = shadow.sequences(0).get(shadow.sequences(0).size() - 1);

    resource.afterRestore(); // the restore time did not change: the same JVM runs on

    await("a second stream carries batches", () -> shadow.streams.size() == 2 && !shadow.sequences(1).isEmpty());
    Hello after = shadow.hello(1);
    assertThat(after.getPrimaryId()).isEqualTo(before.getPrimaryId());
    assertThat(after.getSessionSecret()).isEqualTo(before.getSessionSecret());
    assertThat(after.getNextSequence()).isEqualTo(lastSent + 1);
    assertThat(shadow.sequences(1).get(0)).isEqualTo(lastSent + 1);
  }

  @Test
  void eachCallbackTwice_actsOnce() throws Exception {
    resource.beforeCheckpoint();
    resource.beforeCheckpoint();
    ShadowConnection closed = resource.connection();
    restoreTime.set(OptionalLong.of(System.currentTimeMillis()));

    resource.afterRestore();
    ShadowConnection reopened = resource.connection();
    resource.afterRestore();

    assertThat(reopened).isNotSameAs(closed);
    assertThat(resource.connection()).isSameAs(reopened);
    await("the new stream carries batches", () -> shadow.streams.size() == 2 && !shadow.sequences(1).isEmpty());
    assertThat(shadow.ended.get()).isOne();
  }

  @Test
  void afterRestore_withoutACheckpoint_changesNothing() {
    ShadowConnection open = resource.connection();
    Optional<JfrCollector> jfr = resource.jfr();

    resource.afterRestore();

    assertThat(resource.connection()).isSameAs(open);
    assertThat(resource.jfr()).isSameAs(jfr);
  }

  @Test
  void aClosedAgent_ignoresACheckpoint() throws Exception {
    resource.close();

    resource.beforeCheckpoint();
    resource.afterRestore();

    assertThat(shadow.streams).hasSize(1);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + DEADLINE + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Open TCP sockets of this process whose peer port is {@code port}: the agent's side of its
   * connections to the server (the server's side has it as its local port).
   */
  private static long socketsTo(int port) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    long count = 0;
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
        String[] f = line.trim().split("\\s+");
        int remotePort = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
        if (remotePort == port && inodes.contains(f[9])) {
          count++;
        }
      }
    }
    return count;
  }

  /** Files of a JFR repository this process holds open. */
  private static List<String> openJfrFiles() throws IOException {
    List<String> open = new ArrayList<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.endsWith(".jfr")) {
            open.add(target);
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return open;
  }
}
