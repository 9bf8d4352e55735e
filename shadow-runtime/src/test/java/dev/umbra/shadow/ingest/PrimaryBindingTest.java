package dev.umbra.shadow.ingest;

import dev.umbra.shadow.auth.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.PrimaryState;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.shadow.MutableClock;
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
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: only the real agent speaks for a primary. A fake agent and a hostile client on one
 * in-process shadow, real stubs end to end.
 */
class PrimaryBindingTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final long T0 = 1_800_000_000_000L; // 2027-01-15T08:00:00Z
  private static final byte[] SECRET = "the real agent's secret".getBytes(StandardCharsets.UTF_8);
  private static final byte[] GUESS = "an attacker's guess, 32 bytes..".getBytes(StandardCharsets.UTF_8);

  @TempDir Path data;
  private final MutableClock clock = MutableClock.at("2027-01-15T08:00:00Z");
  private ShadowMetrics metrics;
  private SeriesStore store;
  private Ingest ingest;
  private CheckpointCoordinator checkpoints;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    metrics = new ShadowMetrics();
    store = new SeriesStore(data, Retention.defaults(), 600, clock, metrics);
    ingest = new Ingest(store, clock, metrics, Duration.ofSeconds(1), Duration.ofSeconds(60));
    checkpoints =
        new CheckpointCoordinator(
            new CheckpointStore(data.resolve("checkpoints"), 5), new SessionChannel(ingest.sessions()), clock,
            Duration.ofSeconds(30), Duration.ofSeconds(10), Optional.empty());
    String name = InProcessServerBuilder.generateName();
    var interceptors = ShadowApi.interceptors(TestTokens.allRoles());
    server =
        InProcessServerBuilder.forName(name)
            .addService(ServerInterceptors.intercept(new TelemetryGrpcService(ingest.service(), checkpoints), interceptors))
            .addService(ServerInterceptors.intercept(
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

  @Nested
  class AHostileClient {
    @Test
    void cannotTakeOverALivePrimary_andItsStreamAndDataAreUndisturbed() throws Exception {
      try (FakeAgent agent = realAgent("p1")) {
        agent.batch(1, FakeAgent.series("mem.heap.used", T0, 100));
        awaitBatches("p1", 1);

        Status withoutSecret = hostile(FakeAgent.hello("p1").toBuilder().setWorkload("forged").build());
        Status withAGuess = hostile(FakeAgent.hello("p1", GUESS, 1_000_000).toBuilder().setWorkload("forged").build());

        assertThat(withoutSecret.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(withAGuess.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(withAGuess.getDescription()).contains("p1").doesNotContain(new String(GUESS, StandardCharsets.UTF_8));
        assertThat(metrics.ingestStreamErrors.labelValues("PERMISSION_DENIED").get()).isEqualTo(2);
        agent.batch(2, FakeAgent.series("mem.heap.used", T0 + 1000, 200));
        awaitBatches("p1", 2);
        settle();
        assertThat(agent.nextAck(WAIT).getAck().getSequence()).isEqualTo(2);
        assertThat(agent.closed).isNotDone();
        assertThat(primary("p1").getWorkload()).isEqualTo("wl-p1");
        assertThat(primary("p1").getBatchesLost()).isZero();
        assertThat(values("p1", "mem.heap.used")).containsExactly(100.0, 200.0);
      }
    }

    @Test
    void cannotSendTelemetryForAnotherPrimary_onAStreamOfItsOwn() throws Exception {
      try (FakeAgent agent = realAgent("p1"); FakeAgent hostile = new FakeAgent(channel)) {
        hostile.hello(FakeAgent.hello("h1", GUESS, 1));
        hostile.batch(1, FakeAgent.series("mem.heap.used", T0, 1));
        awaitBatches("h1", 1);

        hostile.hello(FakeAgent.hello("p1", GUESS, 1));
        hostile.batch(2, FakeAgent.series("mem.heap.used", T0, 666));

        assertThat(hostile.awaitClosed().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        agent.batch(1, FakeAgent.series("mem.heap.used", T0, 100));
        awaitBatches("p1", 1);
        settle();
        assertThat(values("p1", "mem.heap.used")).containsExactly(100.0);
        assertThat(values("h1", "mem.heap.used")).containsExactly(1.0);
      }
    }

    @Test
    void cannotTakeOverADisconnectedPrimary_beforeItIsGone() throws Exception {
      realAgent("p1").close();
      awaitState("p1", PrimaryState.PRIMARY_STATE_DISCONNECTED);

      assertThat(hostile(FakeAgent.hello("p1", GUESS, 1)).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
  }

  @Nested
  class TheRealAgent {
    @Test
    void reconnectsWithItsSecret_afterADisconnect() throws Exception {
      try (FakeAgent agent = realAgent("p1")) {
        agent.batch(1, FakeAgent.series("mem.heap.used", T0, 100));
        awaitBatches("p1", 1);
      }
      awaitState("p1", PrimaryState.PRIMARY_STATE_DISCONNECTED);

      try (FakeAgent again = new FakeAgent(channel).hello(FakeAgent.hello("p1", SECRET, 2))) {
        again.batch(2, FakeAgent.series("mem.heap.used", T0 + 1000, 200));
        awaitBatches("p1", 2);
        settle();
        assertThat(again.closed).isNotDone();
        assertThat(values("p1", "mem.heap.used")).containsExactly(100.0, 200.0);
      }
    }

    @Test
    void replacesItsOwnOlderStream_whenItProvesTheSecret() throws Exception {
      FakeAgent first = realAgent("p1");
      try (FakeAgent second = new FakeAgent(channel).hello(FakeAgent.hello("p1", SECRET, 1))) {
        Status status = first.awaitClosed();
        assertThat(status.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        second.batch(1, FakeAgent.series("mem.heap.used", T0, 1));
        awaitBatches("p1", 1);
        assertThat(second.closed).isNotDone();
      }
    }

    @Test
    void withoutASecret_isIssuedOneInAWelcome_andMustProveIt() throws Exception {
      byte[] issued;
      try (FakeAgent agent = new FakeAgent(channel).hello(FakeAgent.hello("p1"))) {
        ShadowCommand welcome = agent.received.poll(5, TimeUnit.SECONDS);
        assertThat(welcome).isNotNull();
        assertThat(welcome.hasWelcome()).isTrue();
        assertThat(welcome.getCommandId()).isZero();
        issued = welcome.getWelcome().getSessionSecret().toByteArray();
        assertThat(issued).hasSize(SessionSecret.ISSUED_BYTES);
      }
      awaitState("p1", PrimaryState.PRIMARY_STATE_DISCONNECTED);

      assertThat(hostile(FakeAgent.hello("p1")).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      try (FakeAgent again = new FakeAgent(channel).hello(FakeAgent.hello("p1", issued, 1))) {
        again.batch(1, FakeAgent.series("mem.heap.used", T0, 1));
        awaitBatches("p1", 1);
        assertThat(again.closed).isNotDone();
      }
    }

    @Test
    void bindsAgain_onceThePrimaryIsGone() throws Exception {
      realAgent("p1").close();
      awaitState("p1", PrimaryState.PRIMARY_STATE_DISCONNECTED);
      clock.advance(Duration.ofSeconds(61));
      ingest.tick();
      assertThat(primary("p1").getState()).isEqualTo(PrimaryState.PRIMARY_STATE_GONE);

      try (FakeAgent next = new FakeAgent(channel).hello(FakeAgent.hello("p1", GUESS, 1))) {
        awaitState("p1", PrimaryState.PRIMARY_STATE_CONNECTED);
        assertThat(next.closed).isNotDone();
      }
    }

    @Test
    void refusesASecretOfTheWrongLength_withInvalidArgument() throws Exception {
      Status status = hostile(FakeAgent.hello("p1", new byte[8], 1));
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).contains("hello.session_secret");
    }
  }

  @Nested
  class ASequenceJump {
    @Test
    void isCountedAsLoss_andTheBatchIsStored() throws Exception {
      try (FakeAgent agent = realAgent("p1")) {
        agent.batch(1, FakeAgent.series("mem.heap.used", T0, 100));
        agent.batch(4, FakeAgent.series("mem.heap.used", T0 + 1000, 400));
        awaitBatches("p1", 2);
        settle();

        assertThat(primary("p1").getBatchesLost()).isEqualTo(2);
        assertThat(metrics.ingestBatchesLost.get()).isEqualTo(2);
        assertThat(values("p1", "mem.heap.used")).containsExactly(100.0, 400.0);
      }
    }

    @Test
    void farAhead_neverMakesLaterLowerBatchesDisappear() throws Exception {
      try (FakeAgent agent = realAgent("p1")) {
        agent.batch(1, FakeAgent.series("mem.heap.used", T0, 100));
        agent.batch(1_000_000, FakeAgent.series("mem.heap.used", T0 + 1000, 1));
        awaitBatches("p1", 2);
        settle();
        agent.batch(2, FakeAgent.series("mem.heap.used", T0 + 3000, 200));
        agent.batch(3, FakeAgent.series("mem.heap.used", T0 + 4000, 300));
        awaitBatches("p1", 4);
        settle();

        assertThat(metrics.ingestBatchesLost.get()).isEqualTo(999_998);
        assertThat(values("p1", "mem.heap.used")).containsExactly(100.0, 1.0, 200.0, 300.0);
        assertThat(lastAck(agent)).isEqualTo(3);
      }
    }

    @Test
    void farAheadOfAReconnectingAgent_isNotAcknowledgedToIt() throws Exception {
      try (FakeAgent agent = realAgent("p1")) {
        agent.batch(1_000_000, FakeAgent.series("mem.heap.used", T0, 1));
        awaitBatches("p1", 1);
        settle();
        assertThat(agent.nextAck(WAIT).getAck().getSequence()).isEqualTo(1_000_000);
      }
      awaitState("p1", PrimaryState.PRIMARY_STATE_DISCONNECTED);

      try (FakeAgent again = new FakeAgent(channel).hello(FakeAgent.hello("p1", SECRET, 5))) {
        again.batch(5, FakeAgent.series("mem.heap.used", T0 + 4000, 5));
        awaitBatches("p1", 2);
        settle();
        assertThat(lastAck(again)).isEqualTo(5);
        assertThat(values("p1", "mem.heap.used")).containsExactly(1.0, 5.0);
      }
    }
  }

  /** An agent that proves {@link #SECRET}, connected once the shadow lists it. */
  private FakeAgent realAgent(String primaryId) throws InterruptedException {
    FakeAgent agent = new FakeAgent(channel).hello(FakeAgent.hello(primaryId, SECRET, 1));
    awaitState(primaryId, PrimaryState.PRIMARY_STATE_CONNECTED);
    return agent;
  }

  /** Opens a stream with {@code hello} and forged telemetry; returns how the shadow ended it. */
  private Status hostile(Hello hello) throws Exception {
    try (FakeAgent hostile = new FakeAgent(channel)) {
      hostile.hello(hello);
      hostile.batch(1_000_000, FakeAgent.series("mem.heap.used", T0, 666));
      return hostile.awaitClosed();
    }
  }

  /** The sequence of the newest Ack the agent has received, skipping older ones. */
  private static long lastAck(FakeAgent agent) throws InterruptedException {
    long last = agent.nextAck(WAIT).getAck().getSequence();
    ShadowCommand c;
    while ((c = agent.received.poll(200, TimeUnit.MILLISECONDS)) != null) {
      if (c.hasAck()) {
        last = c.getAck().getSequence();
      }
    }
    return last;
  }

  private void settle() throws InterruptedException {
    clock.advance(Duration.ofSeconds(3));
    ingest.tick();
    store.awaitDurable(WAIT);
  }

  private List<Double> values(String primary, String series) {
    return ControlServiceGrpc.newBlockingStub(channel)
        .getSeries(GetSeriesRequest.newBuilder().setPrimaryId(primary).setSeries(series)
            .setSinceUnixMs(T0 - 10_000).setLimit(60).build())
        .getValuesList();
  }

  private Primary primary(String id) {
    return ControlServiceGrpc.newBlockingStub(channel)
        .listPrimaries(ListPrimariesRequest.newBuilder().setIncludeGone(true).build())
        .getPrimariesList().stream()
        .filter(p -> p.getPrimaryId().equals(id))
        .findFirst()
        .orElseThrow();
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

  private void awaitState(String primary, PrimaryState state) throws InterruptedException {
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
