package dev.umbra.shadow.grpc;

import dev.umbra.shadow.auth.TestTokens;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.CommandResult;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.anomaly.AnomalyLog;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointStore;
import dev.umbra.shadow.ingest.Ingest;
import dev.umbra.shadow.ingest.PrimaryState;
import dev.umbra.shadow.ingest.SessionChannel;
import dev.umbra.shadow.ingest.SessionLimits;
import dev.umbra.shadow.metrics.ShadowMetrics;
import dev.umbra.shadow.series.Retention;
import dev.umbra.shadow.series.SeriesStore;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A shadow's gRPC API in process: ingest, the Telemetry, Control and Anomaly services behind the
 * interceptors {@code Shadow} uses, and a client channel whose metadata limit is Netty's 8 KiB
 * default, so an over-long error text fails the way it does over a socket.
 */
final class ApiFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);

  final MutableClock clock = MutableClock.at("2027-01-15T08:00:00Z");
  final ShadowMetrics metrics = new ShadowMetrics();
  final SeriesStore store;
  final Ingest ingest;
  final CheckpointCoordinator checkpoints;
  final Server server;
  final ManagedChannel channel;

  ApiFixture(Path data) throws Exception {
    this(data, SessionLimits.DEFAULT);
  }

  ApiFixture(Path data, SessionLimits limits) throws Exception {
    store = new SeriesStore(data, Retention.defaults(), 600, clock, metrics);
    ingest = new Ingest(store, clock, metrics, Duration.ofSeconds(1), Duration.ofSeconds(60), limits);
    checkpoints = new CheckpointCoordinator(new CheckpointStore(data.resolve("checkpoints"), 5),
        new SessionChannel(ingest.sessions()), clock, Duration.ofSeconds(30), Duration.ofSeconds(10), Optional.empty());
    String name = InProcessServerBuilder.generateName();
    var interceptors = ShadowApi.interceptors(TestTokens.allRoles());
    server = InProcessServerBuilder.forName(name)
        .addService(ShadowApi.bind(new TelemetryGrpcService(ingest.service(), checkpoints), interceptors))
        .addService(ShadowApi.bind(new ControlGrpcService(ingest.sessions(),
            new ControlGrpcService.Reads(store, new dev.umbra.shadow.manager.DecisionLog(), ingest.heap()), checkpoints, clock),
            interceptors))
        .addService(ShadowApi.bind(new AnomalyGrpcService(ingest.sessions(), new AnomalyLog(100)), interceptors))
        .build()
        .start();
    channel = InProcessChannelBuilder.forName(name).intercept(TestTokens.bearer(TestTokens.ALL)).maxInboundMetadataSize(8192).build();
  }

  ControlServiceGrpc.ControlServiceBlockingStub control() {
    return ControlServiceGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The status a call ended with; OK if it returned. */
  static Status statusOf(Runnable call) {
    try {
      call.run();
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** True when a plain call still gets an answer. */
  boolean serving() {
    return statusOf(() -> control().listPrimaries(ListPrimariesRequest.getDefaultInstance())).isOk();
  }

  void awaitConnected(String primaryId) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      var session = ingest.sessions().get(primaryId);
      if (session.isPresent() && session.get().state() == PrimaryState.CONNECTED) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(primaryId + " did not connect within " + WAIT);
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    checkpoints.close();
    ingest.close();
    store.close();
  }

  /** A Hello proving a secret of its own (the same for every stream of the primary), as agents do. */
  static Hello hello(String primaryId) {
    return Hello.newBuilder().setPrimaryId(primaryId).setWorkload("wl-" + primaryId)
        .setWorkloadName("com.example.Main").setHost("host").setPid(42).setAgentVersion("test")
        .setSessionSecret(com.google.protobuf.ByteString.copyFromUtf8("secret of " + primaryId + " ........"))
        .build();
  }

  /** An agent stream that answers every command OK and records the commands it got. */
  static final class Agent implements AutoCloseable {
    final LinkedBlockingQueue<ShadowCommand> commands = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final StreamObserver<AgentMessage> requests;

    Agent(ManagedChannel channel, String primaryId) {
      requests = TelemetryServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
        @Override
        public void onNext(ShadowCommand command) {
          if (command.hasAck()) {
            return;
          }
          commands.add(command);
          send(AgentMessage.newBuilder().setCommandResult(CommandResult.newBuilder()
              .setCommandId(command.getCommandId()).setStatus(CommandStatus.COMMAND_STATUS_OK)).build());
        }

        @Override
        public void onError(Throwable t) {
          closed.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          closed.complete(Status.OK);
        }
      });
      send(AgentMessage.newBuilder().setHello(hello(primaryId)).build());
    }

    synchronized void send(AgentMessage message) {
      requests.onNext(message);
    }

    Status awaitClosed() throws Exception {
      return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
      try {
        requests.onCompleted();
      } catch (RuntimeException e) {
        // already closed
      }
    }
  }
}
