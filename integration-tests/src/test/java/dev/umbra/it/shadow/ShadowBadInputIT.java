package dev.umbra.it.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.SimulatedPrimary;
import dev.umbra.proto.v1.Ack;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.PrimaryState;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryBatch;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Bad input against the real Netty server of {@code umbra serve}: each offending stream gets
 * the status or Ack rejection the contract names, while a well-behaved bystander primary keeps
 * being acknowledged and stored and the shadow stays SERVING. The tests run two at a time
 * (integration-tests/pom.xml): each has its own shadow, so every count it reads is its own.
 */
class ShadowBadInputIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path work;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final List<RawStream> raws = new ArrayList<>();
  private ShadowProcess shadow;
  private SimulatedPrimary bystander;

  @RegisterExtension
  final AfterTestExecutionCallback printOnFailure =
      context -> {
        if (context.getExecutionException().isPresent() && shadow != null) {
          System.out.println("bystander " + bystander);
          System.out.println(shadow.output());
        }
      };

  @BeforeEach
  void startShadowAndBystander() throws Exception {
    shadow = ShadowProcess.start(work, "-Xmx512m");
    bystander = SimulatedPrimary.start(SimulatedPrimary.Options.high("bystander"), shadow.channel(), scheduler);
    assertThat(bystander.awaitAcknowledged(5, WAIT)).as("bystander acknowledged: %s", bystander).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    raws.forEach(RawStream::cancel);
    if (bystander != null) {
      bystander.close();
    }
    scheduler.shutdownNow();
    if (shadow != null) {
      shadow.close();
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void endsAnOversizedMessage_withResourceExhausted_whileOthersKeepStreaming() throws Exception {
    // with a secret, as today's agent: a Hello without one is answered with a Welcome at once, and
    // once the shadow has sent anything on a stream, grpc-java can only end it with RST_STREAM
    // (CANCELLED at the client), not with the RESOURCE_EXHAUSTED status in a trailer
    RawStream big = open().hello("oversized", "the oversized stream's secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    SeriesData.Builder huge = SeriesData.newBuilder().setName("cpu.process");
    long now = System.currentTimeMillis();
    for (int i = 0; i < 350_000; i++) { // ~4.9 MB on the wire, the limit is 4 MiB
      huge.addTimeUnixMs(now - 1000 + i % 1000).addValues(1.0);
    }
    TelemetryBatch batch = TelemetryBatch.newBuilder().setSequence(1).addSeries(huge).build();
    assertThat(batch.getSerializedSize()).isGreaterThan(4 * 1024 * 1024);
    big.send(AgentMessage.newBuilder().setBatch(batch).build());

    assertThat(big.awaitEnd().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertShadowKeepsServing();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void keepsServingOthers_whenAClientNeverReadsItsStream() throws Exception {
    RawStream mute = RawStream.open(shadow.channel(), false).hello("never-reads");
    raws.add(mute);
    for (long sequence = 1; sequence <= 25; sequence++) {
      long now = System.currentTimeMillis();
      mute.batch(sequence, series("cpu.process", now - 100, 0.5), series("mem.rss", now - 100, 1e8));
      Thread.sleep(200);
    }
    // the shadow keeps taking what it sends and storing it, though its Acks go unread
    awaitCondition("25 batches of never-reads received",
        () -> shadow.primary("never-reads").getBatchesReceived() == 25);
    awaitCondition("never-reads' seconds stored",
        () -> shadow.control()
                .getSeries(GetSeriesRequest.newBuilder().setPrimaryId("never-reads").setSeries("mem.rss").build())
                .getTimeUnixMsCount() >= 4);
    assertThat(mute.commands).as("nothing is delivered to a client that never asks").isEmpty();
    assertThat(mute.end).isNotDone();
    assertShadowKeepsServing();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void endsAStreamThatDoesNotStartWithHello_withFailedPrecondition() throws Exception {
    RawStream noHello = open();
    noHello.batch(1, series("cpu.process", System.currentTimeMillis(), 1.0));
    Status status = noHello.awaitEnd();
    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(status.getDescription()).contains("Hello");
    assertShadowKeepsServing();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void endsABadHelloAnEmptyMessageOrSequenceZero_withInvalidArgument() throws Exception {
    RawStream noId = open();
    noId.send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setWorkload("w")).build());
    RawStream empty = open();
    empty.send(AgentMessage.getDefaultInstance());
    RawStream zero = open().hello("sequence-zero");
    zero.batch(0, series("cpu.process", System.currentTimeMillis(), 1.0));

    Status noIdStatus = noId.awaitEnd();
    assertThat(noIdStatus.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(noIdStatus.getDescription()).contains("hello.primary_id");
    assertThat(empty.awaitEnd().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    Status zeroStatus = zero.awaitEnd();
    assertThat(zeroStatus.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(zeroStatus.getDescription()).contains("sequence");
    assertThat(shadow.metrics().value("umbra_ingest_stream_errors_total", "code", "INVALID_ARGUMENT")).isEqualTo(3);
    assertShadowKeepsServing();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void endsTheOlderOfTwoStreamsForOnePrimary_withAlreadyExists() throws Exception {
    byte[] secret = "the twins' session secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    RawStream older = open().hello("twin", secret);
    awaitCondition("twin connected", () -> shadow.primaries(false).stream().anyMatch(p -> p.getPrimaryId().equals("twin")));
    RawStream stranger = open().hello("twin"); // proves nothing: refused, the older stream stays
    assertThat(stranger.awaitEnd().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    SimulatedPrimary newer =
        SimulatedPrimary.start(SimulatedPrimary.Options.high("twin"), shadow.channel(), scheduler, secret);
    try {
      assertThat(older.awaitEnd().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
      assertThat(newer.awaitAcknowledged(10, WAIT)).as("newer twin acknowledged: %s", newer).isTrue();
      newer.stopProducing();
      assertThat(newer.awaitAllAcknowledged(WAIT)).isTrue();
      SimulatedPrimary.Verification stored = newer.verify(shadow.control());
      assertThat(stored.problems()).isEmpty();
      assertThat(stored.rejectedPoints()).isZero();
      assertThat(shadow.primary("twin").getState()).isEqualTo(PrimaryState.PRIMARY_STATE_CONNECTED);
    } finally {
      newer.close();
    }
    assertShadowKeepsServing();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void refusesNonFiniteFarOffAndMalformedPoints_inTheNextAck_andKeepsTheStream() throws Exception {
    RawStream bad = open().hello("bad-points");
    long now = System.currentTimeMillis();
    bad.send(
        AgentMessage.newBuilder()
            .setBatch(
                TelemetryBatch.newBuilder()
                    .setSequence(1)
                    .addSeries(
                        SeriesData.newBuilder().setName("cpu.process")
                            .addTimeUnixMs(now - 500).addValues(1.0) // the only good point
                            .addTimeUnixMs(now - 450).addValues(Double.NaN)
                            .addTimeUnixMs(now - 400).addValues(Double.POSITIVE_INFINITY)
                            .addTimeUnixMs(now + 10 * 60_000).addValues(2.0) // 10 min ahead
                            .addTimeUnixMs(now - 25 * 3_600_000L).addValues(3.0)) // 25 h old
                    .addSeries(
                        SeriesData.newBuilder().setName("Not A Name!")
                            .addTimeUnixMs(now - 500).addValues(1.0)
                            .addTimeUnixMs(now - 400).addValues(1.0))
                    .addSeries( // two times, one value
                        SeriesData.newBuilder().setName("mem.rss")
                            .addTimeUnixMs(now - 500).addTimeUnixMs(now - 400).addValues(1.0)))
            .build());

    Rejections first = bad.awaitAck(1);
    assertThat(first.points).isEqualTo(8);
    assertThat(first.firstReason).isNotBlank();
    // the stream stays open: the next good batch is taken and acknowledged without rejections
    bad.batch(2, series("mem.rss", System.currentTimeMillis() - 100, 4e8));
    assertThat(bad.awaitAck(2).points).isZero();
    assertThat(bad.end).isNotDone();

    ShadowProcess.Metrics metrics = shadow.metrics();
    assertThat(metrics.value("umbra_ingest_rejected_points_total", "reason", "non_finite")).isEqualTo(2);
    assertThat(metrics.value("umbra_ingest_rejected_points_total", "reason", "future")).isEqualTo(1);
    assertThat(metrics.value("umbra_ingest_rejected_points_total", "reason", "too_old")).isEqualTo(1);
    assertThat(metrics.value("umbra_ingest_rejected_points_total", "reason", "bad_series")).isEqualTo(4);
    Primary listed = shadow.primary("bad-points");
    assertThat(listed.getPointsReceived()).isEqualTo(2);
    assertThat(listed.getBatchesLost()).isZero();
    assertShadowKeepsServing();
  }

  /** Health is SERVING, and the bystander is acknowledged further and finds all it sent stored. */
  private void assertShadowKeepsServing() throws Exception {
    assertThat(shadow.health()).isEqualTo(ServingStatus.SERVING);
    long acknowledged = bystander.highestAcknowledged();
    assertThat(bystander.awaitAcknowledged(acknowledged + 5, WAIT)).as("bystander still acknowledged: %s", bystander).isTrue();
    assertThat(bystander.isStreaming()).isTrue();
    bystander.stopProducing();
    assertThat(bystander.awaitAllAcknowledged(WAIT)).isTrue();
    SimulatedPrimary.Verification stored = bystander.verify(shadow.control());
    assertThat(stored.problems()).isEmpty();
    assertThat(stored.rejectedPoints()).as(stored.firstRejection()).isZero();
    assertThat(shadow.primary("bystander").getBatchesLost()).isZero();
  }

  private RawStream open() {
    RawStream raw = RawStream.open(shadow.channel(), true);
    raws.add(raw);
    return raw;
  }

  private static SeriesData series(String name, long timeMillis, double value) {
    return SeriesData.newBuilder().setName(name).addTimeUnixMs(timeMillis).addValues(value).build();
  }

  private static void awaitCondition(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private record Rejections(long points, String firstReason) {}

  /** A Connect stream a test drives message by message; optionally one that never reads. */
  private static final class RawStream implements ClientResponseObserver<AgentMessage, ShadowCommand> {
    final LinkedBlockingQueue<ShadowCommand> commands = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> end = new CompletableFuture<>();
    private final boolean reads;
    private ClientCallStreamObserver<AgentMessage> requests;

    private RawStream(boolean reads) {
      this.reads = reads;
    }

    static RawStream open(Channel channel, boolean reads) {
      RawStream raw = new RawStream(reads);
      ClientCalls.asyncBidiStreamingCall(
          channel.newCall(TelemetryServiceGrpc.getConnectMethod(), CallOptions.DEFAULT), raw);
      return raw;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
      requests = requestStream;
      if (!reads) {
        requestStream.disableAutoRequestWithInitial(0); // and never request(): nothing is read
      }
    }

    RawStream hello(String primaryId) {
      return hello(primaryId, new byte[0]);
    }

    /** A Hello proving {@code secret}; an empty one proves nothing. */
    RawStream hello(String primaryId, byte[] secret) {
      return send(
          AgentMessage.newBuilder()
              .setHello(Hello.newBuilder().setPrimaryId(primaryId).setWorkload("raw-" + primaryId).setAgentVersion("raw")
                  .setSessionSecret(com.google.protobuf.ByteString.copyFrom(secret)))
              .build());
    }

    RawStream batch(long sequence, SeriesData... series) {
      return send(
          AgentMessage.newBuilder()
              .setBatch(TelemetryBatch.newBuilder().setSequence(sequence).addAllSeries(List.of(series)))
              .build());
    }

    synchronized RawStream send(AgentMessage message) {
      requests.onNext(message);
      return this;
    }

    /** Waits for an Ack of at least {@code sequence}; sums the rejections reported until then. */
    Rejections awaitAck(long sequence) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      long rejected = 0;
      String reason = "";
      while (System.nanoTime() < deadline) {
        ShadowCommand c = commands.poll(100, TimeUnit.MILLISECONDS);
        if (c != null && c.hasAck()) {
          Ack ack = c.getAck();
          rejected += ack.getRejectedPoints();
          if (reason.isEmpty()) {
            reason = ack.getRejection();
          }
          if (ack.getSequence() >= sequence) {
            return new Rejections(rejected, reason);
          }
        }
        if (end.isDone()) {
          throw new AssertionError("stream ended before Ack " + sequence + ": " + end.join());
        }
      }
      throw new AssertionError("no Ack of " + sequence + " within " + WAIT);
    }

    Status awaitEnd() throws Exception {
      return end.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void cancel() {
      if (!end.isDone()) {
        requests.cancel("test over", null);
      }
    }

    @Override
    public void onNext(ShadowCommand command) {
      commands.add(command);
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
    }
  }
}
