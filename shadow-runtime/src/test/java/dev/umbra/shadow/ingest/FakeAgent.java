package dev.umbra.shadow.ingest;

import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryBatch;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One agent stream driven by a test: sends what it is told, records what the shadow answers. */
final class FakeAgent implements AutoCloseable {
  final LinkedBlockingQueue<ShadowCommand> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Status> closed = new CompletableFuture<>();
  private final StreamObserver<AgentMessage> requests;

  FakeAgent(Channel channel) {
    requests =
        TelemetryServiceGrpc.newStub(channel)
            .connect(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ShadowCommand command) {
                    received.add(command);
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
  }

  static Hello hello(String primaryId) {
    return Hello.newBuilder()
        .setPrimaryId(primaryId)
        .setWorkload("wl-" + primaryId)
        .setWorkloadName("com.example.Main")
        .setHost("host")
        .setPid(42)
        .setAgentVersion("test")
        .build();
  }

  /** A Hello that proves {@code secret} and says its next batch is {@code nextSequence}. */
  static Hello hello(String primaryId, byte[] secret, long nextSequence) {
    return hello(primaryId).toBuilder()
        .setSessionSecret(com.google.protobuf.ByteString.copyFrom(secret))
        .setNextSequence(nextSequence)
        .build();
  }

  FakeAgent hello(Hello hello) {
    requests.onNext(AgentMessage.newBuilder().setHello(hello).build());
    return this;
  }

  FakeAgent batch(long sequence, SeriesData... series) {
    TelemetryBatch.Builder batch = TelemetryBatch.newBuilder().setSequence(sequence);
    for (SeriesData s : series) {
      batch.addSeries(s);
    }
    requests.onNext(AgentMessage.newBuilder().setBatch(batch).build());
    return this;
  }

  static SeriesData series(String name, long timeMillis, double value) {
    return SeriesData.newBuilder().setName(name).addTimeUnixMs(timeMillis).addValues(value).build();
  }

  /** The next Ack, skipping other commands. */
  ShadowCommand nextAck(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      ShadowCommand c = received.poll(50, TimeUnit.MILLISECONDS);
      if (c != null && c.hasAck()) {
        return c;
      }
    }
    throw new AssertionError("no Ack within " + timeout);
  }

  Status awaitClosed() throws Exception {
    return closed.get(5, TimeUnit.SECONDS);
  }

  void send(AgentMessage message) {
    requests.onNext(message);
  }

  @Override
  public void close() {
    try {
      requests.onCompleted();
    } catch (RuntimeException e) {
      // already closed
    }
  }
}
