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
import dev.umbra.shadow.auth.TestTokens;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointStore;
import dev.umbra.shadow.grpc.ControlGrpcService;
import dev.umbra.shadow.grpc.ShadowApi;
import dev.umbra.shadow.grpc.TelemetryGrpcService;
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
    var interceptors = ShadowApi.interceptors(TestTokens.allRoles());
    server =
        InProcessServerBuilder.forName(name)
            .maxInboundMessageSize(64 * 1024)
            .addService(ServerInterceptors.intercept(new TelemetryGrpcService(ingest.service(), checkpoints), interceptors))
            .addService(ServerInterceptors.intercept(
                new dev.umbra.shadow.grpc.ForecastGrpcService(ingest.sessions(), new dev.umbra.shadow.forecast.live.PrimaryForecasts(store, clock), metrics),
                interceptors))
            .addService(
                ServerInterceptors.intercept(
                    new ControlGrpcService(ingest.sessions(), store, checkpoints, clock), interceptors))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).intercept(TestTokens.bearer(TestTokens.ALL)).build();
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

  @Test
  void earlyListeners_hearOfACompleteSecond_beforeTheLatenessHasPassed() throws Exception {
    java.util.List<dev.umbra.shadow.series.GridPoint> early = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.List<dev.umbra.shadow.series.GridPoint> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
    ingest.addEarlyListener((session, points) -> early.addAll(points));
    ingest.addListener((session, points) -> closed.addAll(points));
    try (FakeAgent agent = new FakeAgent(channel)) {
      agent.hello(FakeAgent.hello("p1"));
      agent.batch(1, FakeAgent.series("cpu.process", T0 + 300, 1.0));
      awaitBatches("p1", 1);
      clock.advance(Duration.ofMillis(2500)); // second T0 closes: the series has one point a second
      ingest.tick();
      assertThat(early).extracting(dev.umbra.shadow.series.GridPoint::value).containsExactly(1.0);

      agent.batch(2, FakeAgent.series("cpu.process", T0 + 1300, 2.0));
      awaitBatches("p1", 2);
      clock.advance(Duration.ofMillis(100)); // 0.1 s after second T0+1 ended: still open for late points
      ingest.tick();
      assertThat(early).extracting(dev.umbra.shadow.series.GridPoint::value).containsExactly(1.0, 2.0);
      assertThat(closed).extracting(dev.umbra.shadow.series.GridPoint::value).containsExactly(1.0);

      clock.advance(Duration.ofSeconds(1));
      ingest.tick();
      assertThat(closed).extracting(dev.umbra.shadow.series.GridPoint::value).containsExactly(1.0, 2.0);
      assertThat(early).hasSize(2); // each second once
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
  void aSecondStreamForTheSamePrimary_provingItsSecret_replacesTheFirst() throws Exception {
    byte[] secret = new byte[SessionSecret.MIN_BYTES];
    FakeAgent first = new FakeAgent(channel).hello(FakeAgent.hello("p3", secret, 1));
    awaitState("p3", dev.umbra.proto.v1.PrimaryState.PRIMARY_STATE_CONNECTED);
    try (FakeAgent second = new FakeAgent(channel)) {
      second.hello(FakeAgent.hello("p3", secret, 1));
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

  @Nested
  class Checkpoints {
    private final byte[] state = new byte[3 * CHUNK_BYTES + 123];
    private final byte[] secret = "the ck agent's session secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** Stubs of the agent's checkpoint transfers: they prove its session secret, as the agent does. */
    private <S extends io.grpc.stub.AbstractStub<S>> S provingTheSecret(S stub) {
      io.grpc.Metadata headers = new io.grpc.Metadata();
      headers.put(io.grpc.Metadata.Key.of("umbra-session-secret-bin", io.grpc.Metadata.BINARY_BYTE_MARSHALLER), secret);
      return stub.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Plays the agent's part: answers Checkpoint by uploading, Rollback by downloading. */
    private void serveCommands(FakeAgent agent, java.util.List<byte[]> restored) {
      Thread t = new Thread(() -> {
        try {
          while (true) {
            ShadowCommand c = agent.received.poll(10, TimeUnit.SECONDS);
            if (c == null) {
              return;
            }
            if (c.hasCheckpoint()) {
              upload(c.getCheckpoint().getCheckpointId());
              agent.send(AgentMessage.newBuilder().setCommandResult(dev.umbra.proto.v1.CommandResult.newBuilder()
                  .setCommandId(c.getCommandId()).setStatus(dev.umbra.proto.v1.CommandStatus.COMMAND_STATUS_OK)).build());
            } else if (c.hasRollback()) {
              var out = new java.io.ByteArrayOutputStream();
              provingTheSecret(dev.umbra.proto.v1.TelemetryServiceGrpc.newBlockingStub(channel))
                  .downloadCheckpoint(dev.umbra.proto.v1.DownloadCheckpointRequest.newBuilder()
                      .setPrimaryId("ck").setCheckpointId(c.getRollback().getCheckpointId()).build())
                  .forEachRemaining(chunk -> out.writeBytes(chunk.getData().toByteArray()));
              restored.add(out.toByteArray());
              agent.send(AgentMessage.newBuilder().setCommandResult(dev.umbra.proto.v1.CommandResult.newBuilder()
                  .setCommandId(c.getCommandId()).setStatus(dev.umbra.proto.v1.CommandStatus.COMMAND_STATUS_OK)).build());
            }
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "fake-agent-commands");
      t.setDaemon(true);
      t.start();
    }

    private void upload(String id) throws Exception {
      var done = new java.util.concurrent.CompletableFuture<dev.umbra.proto.v1.UploadCheckpointResponse>();
      var requests = provingTheSecret(dev.umbra.proto.v1.TelemetryServiceGrpc.newStub(channel)).uploadCheckpoint(new io.grpc.stub.StreamObserver<>() {
        @Override public void onNext(dev.umbra.proto.v1.UploadCheckpointResponse r) { done.complete(r); }
        @Override public void onError(Throwable t) { done.completeExceptionally(t); }
        @Override public void onCompleted() {}
      });
      String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(state));
      for (int off = 0; off < state.length; off += CHUNK_BYTES) {
        int n = Math.min(CHUNK_BYTES, state.length - off);
        boolean end = off + n == state.length;
        var chunk = dev.umbra.proto.v1.CheckpointChunk.newBuilder().setPrimaryId("ck").setCheckpointId(id)
            .setStateName("book").setOffset(off).setData(com.google.protobuf.ByteString.copyFrom(state, off, n)).setStateEnd(end);
        if (end) {
          chunk.setStateSha256(sha);
        }
        requests.onNext(chunk.build());
      }
      requests.onCompleted();
      done.get(5, TimeUnit.SECONDS);
    }

    @Test
    void takesACheckpoint_andRollsBackToIt_byteForByte() throws Exception {
      new java.util.Random(7).nextBytes(state);
      var restored = new java.util.concurrent.CopyOnWriteArrayList<byte[]>();
      try (FakeAgent agent = new FakeAgent(channel)) {
        agent.hello(FakeAgent.hello("ck", secret, 1).toBuilder()
            .setCapabilities(dev.umbra.proto.v1.Capabilities.newBuilder().addCheckpointEngines("app").addCheckpointables("book"))
            .build());
        awaitState("ck", dev.umbra.proto.v1.PrimaryState.PRIMARY_STATE_CONNECTED);
        serveCommands(agent, restored);
        var control = ControlServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

        var info = control.checkpoint(dev.umbra.proto.v1.CheckpointRequest.newBuilder().setPrimaryId("ck").build());
        assertThat(info.getSizeBytes()).isEqualTo(state.length);
        assertThat(info.getState()).isEqualTo(dev.umbra.proto.v1.CheckpointState.CHECKPOINT_STATE_TAKEN);
        assertThat(control.listCheckpoints(dev.umbra.proto.v1.ListCheckpointsRequest.newBuilder().setPrimaryId("ck").build())
            .getCheckpointsList()).containsExactly(info);

        var noKnownGood = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
            () -> control.rollback(dev.umbra.proto.v1.RollbackRequest.newBuilder().setPrimaryId("ck").build()));
        assertThat(noKnownGood.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(noKnownGood.getStatus().getDescription()).contains("has no verified known-good checkpoint yet");

        var rolledBack = control.rollback(dev.umbra.proto.v1.RollbackRequest.newBuilder()
            .setPrimaryId("ck").setCheckpointId(info.getCheckpointId()).setReason("test").build());
        assertThat(rolledBack.getRestored().getCheckpointId()).isEqualTo(info.getCheckpointId());
        assertThat(restored).hasSize(1);
        assertThat(restored.get(0)).isEqualTo(state);
      }
    }

    @Test
    void refusesAnUpload_forAPrimaryWhoseSecretItDoesNotProve() throws Exception {
      var done = new java.util.concurrent.CompletableFuture<Status>();
      var requests = dev.umbra.proto.v1.TelemetryServiceGrpc.newStub(channel).uploadCheckpoint(new io.grpc.stub.StreamObserver<>() {
        @Override public void onNext(dev.umbra.proto.v1.UploadCheckpointResponse r) { done.complete(Status.OK); }
        @Override public void onError(Throwable t) { done.complete(Status.fromThrowable(t)); }
        @Override public void onCompleted() {}
      });
      requests.onNext(dev.umbra.proto.v1.CheckpointChunk.newBuilder().setPrimaryId("x").setCheckpointId("ck-forged")
          .setStateName("s").setData(com.google.protobuf.ByteString.copyFromUtf8("evil")).setStateEnd(true).build());
      requests.onCompleted();
      Status status = done.get(5, TimeUnit.SECONDS);
      assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(status.getDescription()).isEqualTo("primary x: only its agent, proving its session secret, may do this");
    }

    @Test
    void refusesACheckpointOfAPrimaryWithoutEngine() throws Exception {
      try (FakeAgent agent = new FakeAgent(channel)) {
        agent.hello(FakeAgent.hello("plain"));
        awaitState("plain", dev.umbra.proto.v1.PrimaryState.PRIMARY_STATE_CONNECTED);
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
            () -> ControlServiceGrpc.newBlockingStub(channel).checkpoint(
                dev.umbra.proto.v1.CheckpointRequest.newBuilder().setPrimaryId("plain").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).startsWith("primary plain offers no checkpoint engine");
      }
    }
  }

  private static final int CHUNK_BYTES = 1 << 20;

  @Nested
  class Forecasts {
    private dev.umbra.proto.v1.ForecastServiceGrpc.ForecastServiceBlockingStub forecasts() {
      return dev.umbra.proto.v1.ForecastServiceGrpc.newBlockingStub(channel);
    }

    @Test
    void forecastsQuantilesAndThePeak_fromTheStoredGrid() throws Exception {
      try (FakeAgent agent = new FakeAgent(channel)) {
        agent.hello(FakeAgent.hello("fc"));
        SeriesData.Builder cpu = SeriesData.newBuilder().setName("cpu.process");
        java.util.Random random = new java.util.Random(3);
        for (int s = 0; s < 1800; s++) { // 30 minutes of a noisy 1-2 core load
          cpu.addTimeUnixMs(T0 - 1_800_000L + s * 1000L).addValues(1.0 + random.nextDouble());
        }
        agent.batch(1, cpu.build());
        awaitBatches("fc", 1);
        settle();

        var f = forecasts().getForecast(dev.umbra.proto.v1.GetForecastRequest.newBuilder()
            .setPrimaryId("fc").setSeries("cpu.process").addExceedanceThresholds(0.5).addExceedanceThresholds(10).build());

        assertThat(f.getQuantileLevelsList()).containsExactly(0.05, 0.5, 0.9, 0.95, 0.99);
        assertThat(f.getStepsCount()).isEqualTo(60);
        assertThat(f.getUnit()).isEqualTo("cores");
        for (var step : f.getStepsList()) {
          assertThat(step.getValuesList()).isSorted();
        }
        assertThat(f.getPeak().getValuesList()).isSorted();
        assertThat(f.getPeak().getValues(2)).isBetween(1.5, 3.0); // p90 of the peak of a 1-2 core load
        assertThat(f.getExceedances(0).getProbability()).isGreaterThan(0.95);
        assertThat(f.getExceedances(1).getProbability()).isEqualTo(0.0);
        assertThat(f.getModel()).isNotEmpty();
      }
    }

    @Test
    void refusesUnknownPrimariesSeriesAndHorizons_andSaysWhenItFellBack() throws Exception {
      try (FakeAgent agent = new FakeAgent(channel)) {
        agent.hello(FakeAgent.hello("fc2"));
        agent.batch(1, FakeAgent.series("cpu.process", T0, 1));
        awaitBatches("fc2", 1);
        settle();
        var unknown = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
            () -> forecasts().getForecast(dev.umbra.proto.v1.GetForecastRequest.newBuilder().setPrimaryId("nope").setSeries("cpu.process").build()));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        var noSeries = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
            () -> forecasts().getForecast(dev.umbra.proto.v1.GetForecastRequest.newBuilder().setPrimaryId("fc2").setSeries("mem.rss").build()));
        assertThat(noSeries.getStatus().getDescription()).isEqualTo("primary fc2 has no points of mem.rss");
        var badHorizon = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
            () -> forecasts().getForecast(dev.umbra.proto.v1.GetForecastRequest.newBuilder().setPrimaryId("fc2").setSeries("cpu.process")
                .setHorizon(dev.umbra.proto.v1.Horizon.newBuilder().setSteps(0)).build()));
        assertThat(badHorizon.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        var tooShort = forecasts().getForecast(
            dev.umbra.proto.v1.GetForecastRequest.newBuilder().setPrimaryId("fc2").setSeries("cpu.process").build());
        assertThat(tooShort.getFallback()).isTrue();
        assertThat(tooShort.getModel()).isEqualTo("vpa");
        assertThat(tooShort.getFallbackReason()).isNotBlank();
      }
    }
  }
}
