package dev.umbra.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.command.CommandHandler;
import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.telemetry.AgentStatus;
import dev.umbra.agent.telemetry.Batch;
import dev.umbra.agent.telemetry.BatchBuffer;
import dev.umbra.agent.telemetry.Identity;
import dev.umbra.agent.telemetry.Point;
import dev.umbra.agent.telemetry.Workload;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.Ack;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The transport against a recording TelemetryService over in-process gRPC: real stubs, no sockets. */
class ShadowConnectionTest {
  private final String name = InProcessServerBuilder.generateName();
  private final Recorder recorder = new Recorder();
  private final BatchBuffer buffer = new BatchBuffer(100);
  private final ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  private final CommandHandler commands = new CommandHandler(new CommandHandler.SamplingTarget() {
    private Sampling sampling = Sampling.preset(Criticality.NORMAL);

    @Override
    public Sampling current() {
      return sampling;
    }

    @Override
    public void apply(Sampling next) {
      sampling = next;
    }
  }, CommandHandler.hotSpot());
  private Server server;
  private ShadowConnection connection;
  private long nextSequence = 1;

  /** Records every AgentMessage; acks batches; can push commands to the open stream. */
  static final class Recorder extends TelemetryServiceGrpc.TelemetryServiceImplBase {
    final List<AgentMessage> received = new CopyOnWriteArrayList<>();
    volatile StreamObserver<ShadowCommand> toAgent;

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<ShadowCommand> responses) {
      toAgent = responses;
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
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          responses.onCompleted();
        }
      };
    }

    long count(Predicate<AgentMessage> p) {
      return received.stream().filter(p).count();
    }
  }

  private static final AgentStatus STATUS = new AgentStatus() {
    @Override
    public boolean jfrRunning() {
      return true;
    }

    @Override
    public boolean ioHooksInstalled() {
      return true;
    }

    @Override
    public boolean cracAvailable() {
      return false;
    }

    @Override
    public List<String> manageableFlags() {
      return List.of("SoftMaxHeapSize");
    }

    @Override
    public long adviceErrors() {
      return 0;
    }

    @Override
    public double agentCpuMillis() {
      return 1;
    }
  };

  private static final Identity IDENTITY = new Identity("host/1/2", Workload.of("app.jar"), "host", 1, 2,
      new Identity.JvmFacts("17", "v", "vm", List.of(), "app.jar", List.of("G1"), 1, 2, 0, 0, "Linux amd64"));

  private void startServer() throws Exception {
    server = InProcessServerBuilder.forName(name).directExecutor().addService(recorder).build().start();
  }

  /** What the agent shares with every connection, as {@code AgentRuntime} builds it, over the system clock. */
  private ShadowConnection.Setup setup(Map<String, String> tags) {
    return new ShadowConnection.Setup(() -> Sampling.preset(Criticality.NORMAL), tags, () -> nextSequence, buffer,
        commands, STATUS, Clock.systemUTC());
  }

  /** Tries the routes in order, backing off 20 to 100 ms between attempts. */
  private static ShadowConnection.Links links(List<ShadowConnection.Route> routes, Runnable release) {
    return new ShadowConnection.Links(routes, release, millis -> true,
        new Backoff(Clock.systemUTC(), Duration.ofMillis(20), Duration.ofMillis(100), 0.2, Math::random));
  }

  private void startAgent() {
    connection = new ShadowConnection(setup(Map.of("team", "db")), IDENTITY, SessionSecret.random(),
        links(List.of(new ShadowConnection.Route(name, channel, TelemetryServiceGrpc.newStub(channel), () -> {})),
            () -> {}));
    connection.start();
  }

  private void produce(int batches) {
    for (int i = 0; i < batches; i++) {
      long seq = nextSequence++;
      buffer.add(new Batch(seq, seq, List.of(Point.canonical("cpu.process", seq, 0.5)), List.of()));
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @AfterEach
  void tearDown() {
    if (connection != null) {
      connection.close();
    }
    commands.close();
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void sendsHelloFirst_thenBatchesInOrder() throws Exception {
    startServer();
    startAgent();
    produce(3);

    await("3 batches", () -> recorder.count(AgentMessage::hasBatch) == 3);

    AgentMessage first = recorder.received.get(0);
    assertThat(first.hasHello()).isTrue();
    assertThat(first.getHello().getPrimaryId()).isEqualTo("host/1/2");
    assertThat(first.getHello().getTagsMap()).containsEntry("team", "db");
    assertThat(first.getHello().getCapabilities().getManageableFlagsList()).contains("SoftMaxHeapSize");
    assertThat(recorder.received.stream().filter(AgentMessage::hasBatch).map(m -> m.getBatch().getSequence()))
        .containsExactly(1L, 2L, 3L);
    assertThat(recorder.received.get(1).getBatch().getSeries(0).getName()).isEqualTo("cpu.process");
    await("acks to free the buffer", () -> buffer.size() == 0);
  }

  @Test
  void reconnectsWithANewHello_andReportsWhatWasDropped_whenTheShadowComesBack() throws Exception {
    startAgent();
    produce(150); // the shadow is absent: 50 dropped from a buffer of 100
    Thread.sleep(200);

    startServer();

    await("batches after the shadow appeared", () -> recorder.count(AgentMessage::hasBatch) == 100);
    AgentMessage hello = recorder.received.get(0);
    assertThat(hello.getHello().getNextSequence()).isEqualTo(51);
    AgentMessage firstBatch = recorder.received.get(1);
    assertThat(firstBatch.getBatch().getSequence()).isEqualTo(51);
    assertThat(firstBatch.getBatch().getDroppedBatches()).isEqualTo(50);
    assertThat(firstBatch.getBatch().getDroppedPoints()).isEqualTo(50);

    server.shutdownNow();
    server.awaitTermination();
    recorder.received.clear();
    produce(2);
    startServer();

    await("a second Hello", () -> recorder.count(AgentMessage::hasHello) == 1
        && recorder.count(AgentMessage::hasBatch) == 2);
    assertThat(recorder.received.get(0).getHello().getNextSequence()).isEqualTo(151);
    assertThat(connection.streamsOpened()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void resendsHelloOnTheSameStream_whenCapabilitiesChange() throws Exception {
    startServer();
    startAgent();
    await("the stream", () -> recorder.toAgent != null && recorder.count(AgentMessage::hasHello) == 1);

    connection.capabilitiesChanged();

    await("a second Hello", () -> recorder.count(AgentMessage::hasHello) == 2);
    assertThat(connection.streamsOpened()).isEqualTo(1);
  }

  @Test
  void provesOneSessionSecretOnEveryHello_acrossReconnects() throws Exception {
    startServer();
    startAgent();
    await("the stream", () -> recorder.toAgent != null && recorder.count(AgentMessage::hasHello) == 1);
    com.google.protobuf.ByteString secret = recorder.received.get(0).getHello().getSessionSecret();
    assertThat(secret.size()).isEqualTo(32);

    connection.capabilitiesChanged();
    await("a second Hello", () -> recorder.count(AgentMessage::hasHello) == 2);
    server.shutdownNow();
    server.awaitTermination();
    recorder.received.clear();
    startServer(); // a restarted shadow knows no secret: the agent's binds it again

    await("a Hello on a new stream", () -> recorder.count(AgentMessage::hasHello) >= 1);
    assertThat(recorder.received).filteredOn(AgentMessage::hasHello)
        .allSatisfy(m -> assertThat(m.getHello().getSessionSecret()).isEqualTo(secret));
  }

  @Test
  void provesTheSecretAShadowIssued_whenItReconnects() throws Exception {
    startServer();
    startAgent();
    await("the stream", () -> recorder.toAgent != null && recorder.count(AgentMessage::hasHello) == 1);
    com.google.protobuf.ByteString issued = com.google.protobuf.ByteString.copyFromUtf8("issued by the shadow, 32 bytes..");

    recorder.toAgent.onNext(ShadowCommand.newBuilder()
        .setWelcome(dev.umbra.proto.v1.Welcome.newBuilder().setSessionSecret(issued)).build());
    await("a Hello proving the issued secret", () -> {
      connection.capabilitiesChanged(); // Hellos on the same stream until the Welcome was handled
      return recorder.received.stream().anyMatch(m -> m.hasHello() && m.getHello().getSessionSecret().equals(issued));
    });
    server.shutdownNow();
    server.awaitTermination();
    recorder.received.clear();
    startServer();

    // at least one: a capabilitiesChanged() of the loop above may still send a second Hello
    await("a Hello on a new stream", () -> recorder.count(AgentMessage::hasHello) >= 1);
    assertThat(recorder.received).filteredOn(AgentMessage::hasHello)
        .allSatisfy(m -> assertThat(m.getHello().getSessionSecret()).isEqualTo(issued));
    assertThat(recorder.count(AgentMessage::hasCommandResult)).isZero(); // a Welcome is not a command
  }

  @Test
  void answersCommands_onTheAgentsOwnThread() throws Exception {
    startServer();
    startAgent();
    await("the stream", () -> recorder.toAgent != null && recorder.count(AgentMessage::hasHello) == 1);

    recorder.toAgent.onNext(ShadowCommand.newBuilder().setCommandId(9)
        .setCheckpoint(dev.umbra.proto.v1.Checkpoint.newBuilder().setCheckpointId("c").setEngine("app")).build());
    recorder.toAgent.onNext(ShadowCommand.newBuilder().setCommandId(10)
        .setApplyJvmSettings(dev.umbra.proto.v1.ApplyJvmSettings.newBuilder().putFlags("NoSuchFlag", "1")).build());

    await("two results", () -> recorder.count(AgentMessage::hasCommandResult) == 2);
    List<dev.umbra.proto.v1.CommandResult> results = recorder.received.stream()
        .filter(AgentMessage::hasCommandResult).map(AgentMessage::getCommandResult).toList();
    assertThat(results).extracting(dev.umbra.proto.v1.CommandResult::getCommandId, dev.umbra.proto.v1.CommandResult::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(9L, CommandStatus.COMMAND_STATUS_UNSUPPORTED),
            org.assertj.core.groups.Tuple.tuple(10L, CommandStatus.COMMAND_STATUS_FAILED));
    assertThat(results.get(1).getMessage()).contains("NoSuchFlag");
  }

  @Test
  void failsOverToTheNextShadow_andAsksForASpawnWhereNothingAnswered() throws Exception {
    String first = InProcessServerBuilder.generateName();
    ManagedChannel firstChannel = InProcessChannelBuilder.forName(first).directExecutor().build();
    java.util.concurrent.atomic.AtomicInteger spawnRequests = new java.util.concurrent.atomic.AtomicInteger();
    Recorder firstRecorder = new Recorder();
    startServer(); // only the second shadow is up
    connection = new ShadowConnection(setup(Map.of()), IDENTITY, SessionSecret.random(), links(
        List.of(new ShadowConnection.Route("first", firstChannel, TelemetryServiceGrpc.newStub(firstChannel),
                spawnRequests::incrementAndGet),
            new ShadowConnection.Route("second", channel, TelemetryServiceGrpc.newStub(channel), () -> {})),
        firstChannel::shutdownNow));
    connection.start();
    produce(3);

    await("batches at the second shadow", () -> recorder.count(AgentMessage::hasBatch) == 3);
    assertThat(spawnRequests.get()).isGreaterThanOrEqualTo(1);
    assertThat(recorder.received.get(0).hasHello()).isTrue();

    Server firstServer = InProcessServerBuilder.forName(first).directExecutor().addService(firstRecorder).build().start();
    try {
      server.shutdownNow(); // the second shadow goes away: the agent fails over, with a new Hello
      server.awaitTermination();
      produce(2);

      await("batches at the first shadow", () -> firstRecorder.count(AgentMessage::hasBatch) == 2);
      assertThat(firstRecorder.received.get(0).getHello().getNextSequence()).isEqualTo(4);
      assertThat(firstRecorder.received.stream().filter(AgentMessage::hasBatch).map(m -> m.getBatch().getSequence()))
          .containsExactly(4L, 5L);
    } finally {
      firstServer.shutdownNow();
    }
  }
}
