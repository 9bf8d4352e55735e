package dev.umbra.shadow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.GetSeriesResponse;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointStore;
import dev.umbra.shadow.grpc.ControlGrpcService;
import dev.umbra.shadow.grpc.TelemetryGrpcService;
import dev.umbra.shadow.grpc.ShadowApi;
import dev.umbra.shadow.metrics.ShadowMetrics;
import dev.umbra.shadow.series.Retention;
import dev.umbra.shadow.series.SeriesStore;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final long T0 = 1_800_000_000_000L; // 2027-01-15T08:00:00Z, a whole second

  @TempDir Path data;
  private final MutableClock clock = MutableClock.at("2027-01-15T08:00:00Z");
  private ShadowMetrics metrics;
  private SeriesStore store;
  private Ingest ingest;
  protected CheckpointCoordinator checkpoints;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    open();
  }

  private void open() throws Exception {
    metrics = new ShadowMetrics();
    store = new SeriesStore(data, Retention.defaults(), 600, clock, metrics);
    ingest = new Ingest(store, clock, metrics, Duration.ofSeconds(1), Duration.ofSeconds(60));
    checkpoints =
        new CheckpointCoordinator(
            new CheckpointStore(data.resolve("checkpoints"), 5),
            new SessionChannel(ingest.sessions()),
            clock,
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            Optional.empty());
    String name = InProcessServerBuilder.generateName();
    var interceptors = ShadowApi.interceptors(Optional.empty(), Optional.empty());
    server =
        InProcessServerBuilder.forName(name)
            .maxInboundMessageSize(64 * 1024)
            .addService(ServerInterceptors.intercept(new TelemetryGrpcService(ingest.service(), checkpoints), interceptors))
            .addService(
                ServerInterceptors.intercept(
                    new ControlGrpcService(ingest.sessions(), store, checkpoints, clock), interceptors))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    checkpoints.close();
    ingest.close();
    store.close();
  }

  /** Moves time 3 s on (past T0 + 1 s plus the lateness), closes the grid and waits for the commit. */
  private void settle() throws InterruptedException {
    clock.advance(Duration.ofSeconds(3));
    ingest.tick();
    store.awaitDurable(WAIT);
  }

  private GetSeriesResponse series(String primary, String name) {
    return ControlServiceGrpc.newBlockingStub(channel)
        .getSeries(GetSeriesRequest.newBuilder().setPrimaryId(primary).setSeries(name).setSinceUnixMs(T0 - 10_000).setLimit(60).build());
  }

  private Primary primary(String id) {
    return ControlServiceGrpc.newBlockingStub(channel)
        .listPrimaries(ListPrimariesRequest.newBuilder().setIncludeGone(true).build())
        .getPrimariesList()
        .stream()
        .filter(p -> p.getPrimaryId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void storesPointsOnTheGrid_andAcknowledgesOnceDurable() throws Exception {
    try (FakeAgent agent = new FakeAgent(channel)) {
      agent.hello(FakeAgent.hello("p1"));
      // two points in one second of a rate series average; a gauge keeps the last one
      agent.batch(1,
          SeriesData.newBuilder().setName("cpu.process").addTimeUnixMs(T0).addValues(1.0)
              .addTimeUnixMs(T0 + 500).addValues(2.0).build(),
          SeriesData.newBuilder().setName("mem.heap.used").addTimeUnixMs(T0 + 100).addValues(10)
              .addTimeUnixMs(T0 + 900).addValues(30).build());
      agent.batch(2, FakeAgent.series("cpu.process", T0 + 1000, 4.0));
      awaitBatches("p1", 2);
      settle();

      ShadowCommand ack = agent.nextAck(WAIT);
      assertThat(ack.getAck().getSequence()).isEqualTo(2);
      assertThat(ack.getAck().getRejectedPoints()).isZero();
      GetSeriesResponse cpu = series("p1", "cpu.process");
      assertThat(cpu.getTimeUnixMsList()).containsExactly(T0, T0 + 1000);
      assertThat(cpu.getValuesList()).containsExactly(1.5, 4.0);
      assertThat(cpu.getUnit()).isEqualTo("cores");
      assertThat(series("p1", "mem.heap.used").getValuesList()).containsExactly(30.0);
    }
  }

  @Nested
  class RefusesBadInput {
    @Test
    void aBatchBeforeHello_withFailedPrecondition() throws Exception {
      FakeAgent agent = new FakeAgent(channel);
      agent.batch(1, FakeAgent.series("cpu.process", T0, 1));
      Status status = agent.awaitClosed();
      assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(status.getDescription()).isEqualTo("the first message on a stream must be Hello, not TelemetryBatch");
    }

    @Test
    void aHelloWithoutPrimaryId_withInvalidArgument() throws Exception {
      FakeAgent agent = new FakeAgent(channel);
      agent.hello(FakeAgent.hello("p").toBuilder().clearPrimaryId().build());
      Status status = agent.awaitClosed();
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).isEqualTo("hello.primary_id is missing");
    }

    @Test
    void anEmptyMessage_withInvalidArgument() throws Exception {
      FakeAgent agent = new FakeAgent(channel);
      agent.send(AgentMessage.getDefaultInstance());
      assertThat(agent.awaitClosed().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void nonFiniteAndFarOffPoints_butKeepsTheRestAndTheStream() throws Exception {
      try (FakeAgent agent = new FakeAgent(channel)) {
        agent.hello(FakeAgent.hello("p2"));
        agent.batch(1,
            SeriesData.newBuilder().setName("cpu.process")
                .addTimeUnixMs(T0).addValues(Double.NaN)
                .addTimeUnixMs(T0 + 10).addValues(Double.POSITIVE_INFINITY)
                .addTimeUnixMs(T0 + 3_600_000).addValues(1) // an hour in the future
                .addTimeUnixMs(T0 - 2 * 86_400_000L).addValues(1) // two days old
                .addTimeUnixMs(T0 + 20).addValues(0.5)
                .build(),
            SeriesData.newBuilder().setName("Not A Name").addTimeUnixMs(T0).addValues(1).build(),
            SeriesData.newBuilder().setName("io.disk.read").addTimeUnixMs(T0).build()); // no value
        awaitBatches("p2", 1);
        settle();

        ShadowCommand ack = agent.nextAck(WAIT);
        assertThat(ack.getAck().getSequence()).isEqualTo(1);
        assertThat(ack.getAck().getRejectedPoints()).isEqualTo(6);
        assertThat(ack.getAck().getRejection()).isEqualTo("cpu.process at " + T0 + ": value is NaN");
        assertThat(series("p2", "cpu.process").getValuesList()).containsExactly(0.5);
        assertThat(agent.closed).isNotDone();
        assertThat(metrics.ingestRejectedPoints.labelValues("non_finite").get()).isEqualTo(2);
        assertThat(metrics.ingestRejectedPoints.labelValues("future").get()).isEqualTo(1);
        assertThat(metrics.ingestRejectedPoints.labelValues("too_old").get()).isEqualTo(1);
      }
    }

    @Test
    void anUnknownPrimary_withNotFound() {
      var stub = ControlServiceGrpc.newBlockingStub(channel);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> stub.getSeries(GetSeriesRequest.newBuilder().setPrimaryId("nope").setSeries("cpu.process").build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(e.getStatus().getDescription()).isEqualTo("no primary nope");
          });
    }
  }

  @Test
  void aSecondStreamForTheSamePrimary_replacesTheFirst() throws Exception {
    FakeAgent first = new FakeAgent(channel).hello(FakeAgent.hello("p3"));
    awaitState("p3", dev.umbra.proto.v1.PrimaryState.PRIMARY_STATE_CONNECTED);
    try (FakeAgent second = new FakeAgent(channel)) {
      second.hello(FakeAgent.hello("p3"));
      Status status = first.awaitClosed();
      assertThat(status.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
      assertThat(status.getDescription()).isEqualTo("replaced by a newer stream for primary p3");
      second.batch(1, FakeAgent.series("cpu.process", T0, 1));
      awaitBatches("p3", 1);
      assertThat(second.closed).isNotDone();
    }
  }

  @Test
  void countsSequenceGapsAsLoss() throws Exception {
    try (FakeAgent agent = new FakeAgent(channel)) {
      agent.hello(FakeAgent.hello("p4"));
      agent.batch(1, FakeAgent.series("cpu.process", T0, 1));
      agent.batch(4, FakeAgent.series("cpu.process", T0 + 1000, 1)); // 2 and 3 never arrive
      agent.batch(4, FakeAgent.series("cpu.process", T0 + 1000, 1)); // a resend is not counted twice
      awaitBatches("p4", 2);
      Primary p = primary("p4");
      assertThat(p.getBatchesLost()).isEqualTo(2);
      assertThat(p.getLoss()).isEqualTo(0.5);
    }
  }

  @Test
  void aRestartedShadow_keepsHistoryAndSkipsBatchesItAlreadyStored() throws Exception {
    try (FakeAgent agent = new FakeAgent(channel)) {
      agent.hello(FakeAgent.hello("p5"));
      agent.batch(1, FakeAgent.series("mem.rss", T0, 100));
      awaitBatches("p5", 1);
      settle();
      assertThat(agent.nextAck(WAIT).getAck().getSequence()).isEqualTo(1);
    }
    stop();
    open();

    assertThat(primary("p5").getState()).isEqualTo(dev.umbra.proto.v1.PrimaryState.PRIMARY_STATE_GONE);
    assertThat(series("p5", "mem.rss").getValuesList()).containsExactly(100.0);
    try (FakeAgent agent = new FakeAgent(channel)) {
      agent.hello(FakeAgent.hello("p5"));
      assertThat(agent.nextAck(WAIT).getAck().getSequence()).isEqualTo(1); // told what is stored
      agent.batch(1, FakeAgent.series("mem.rss", T0, 999)); // an unacknowledged resend: skipped
      agent.batch(2, FakeAgent.series("mem.rss", T0 + 1000, 200));
      awaitBatches("p5", 1);
      settle();
      assertThat(series("p5", "mem.rss").getValuesList()).containsExactly(100.0, 200.0);
      assertThat(primary("p5").getBatchesLost()).isZero();
    }
  }

  private void awaitBatches(String primary, long n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      var session = ingest.sessions().get(primary);
      if (session.isPresent() && session.get().view().batchesReceived() >= n) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("primary " + primary + " did not receive " + n + " batches");
  }

  private void awaitState(String primary, dev.umbra.proto.v1.PrimaryState state) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (ingest.sessions().get(primary).isPresent() && primary(primary).getState() == state) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(primary + " never reached " + state);
  }
}
