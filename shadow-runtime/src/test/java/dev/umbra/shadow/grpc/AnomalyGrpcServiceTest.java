package dev.umbra.shadow.grpc;

import dev.umbra.shadow.anomaly.TestAnomaly;
import dev.umbra.shadow.anomaly.Kind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.AnomalyServiceGrpc;
import dev.umbra.proto.v1.ListAnomaliesRequest;
import dev.umbra.proto.v1.WatchAnomaliesRequest;
import dev.umbra.shadow.Shadow;
import dev.umbra.shadow.config.ShadowConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AnomalyService of a real shadow over a real channel; anomalies are published into its log. */
class AnomalyGrpcServiceTest {
  @TempDir Path data;
  private Shadow shadow;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    shadow = Shadow.start(ShadowConfig.of(new ShadowConfig.Endpoint("127.0.0.1", 0),
        new ShadowConfig.Endpoint("127.0.0.1", 0), data), Clock.systemUTC());
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", shadow.grpcAddress().getPort()).usePlaintext()
        .intercept(dev.umbra.shadow.auth.TestTokens.fromDataFolder(data)).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    shadow.close();
  }

  private AnomalyServiceGrpc.AnomalyServiceBlockingStub stub() {
    return AnomalyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static dev.umbra.shadow.anomaly.Anomaly anomaly(String id, long detected, double score) {
    return TestAnomaly.newBuilder().setId(id).setPrimaryId("p1").setWorkload("w").setSeries("cpu.process")
        .setKind(Kind.SPIKE).setOnsetUnixMs(detected - 2000).setDetectedUnixMs(detected)
        .setScore(score).setObserved(3).setExpectedLow(0.1).setExpectedHigh(0.5)
        .setExplanation("cpu.process spiked to 3.00 cores, expected 0.10–0.50").build();
  }

  @Test
  void listsKeptAnomalies_newestFirst_withinTheLimit() {
    shadow.anomalies().publish(anomaly("p1-1", 1000, 0.6));
    shadow.anomalies().publish(anomaly("p1-2", 3000, 0.7));
    shadow.anomalies().publish(anomaly("p1-3", 2000, 0.8));
    assertThat(stub().listAnomalies(ListAnomaliesRequest.getDefaultInstance()).getAnomaliesList())
        .extracting(Anomaly::getId).containsExactly("p1-2", "p1-3", "p1-1");
    assertThat(stub().listAnomalies(ListAnomaliesRequest.newBuilder().setLimit(1).setSinceUnixMs(1500).build())
        .getAnomaliesList()).extracting(Anomaly::getId).containsExactly("p1-2");
  }

  @Test
  void watchDeliversNewAnomalies_atOrAboveTheMinimumScore() throws Exception {
    LinkedBlockingQueue<Anomaly> received = new LinkedBlockingQueue<>();
    AnomalyServiceGrpc.newStub(channel).watchAnomalies(WatchAnomaliesRequest.newBuilder().setMinScore(0.9).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(Anomaly a) {
            received.add(a);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    Anomaly first = null;
    for (int i = 0; first == null && i < 300; i++) { // until the watch is subscribed
      shadow.anomalies().publish(anomaly("low-" + i, 1000 + i, 0.6));
      shadow.anomalies().publish(anomaly("high-" + i, 1000 + i, 0.95));
      first = received.poll(100, TimeUnit.MILLISECONDS);
    }
    assertThat(first).isNotNull();
    assertThat(first.getId()).startsWith("high-");
    assertThat(first.getExplanation()).isEqualTo("cpu.process spiked to 3.00 cores, expected 0.10–0.50");
  }

  @Test
  void anUnknownPrimary_isNotFound_andBadArgumentsInvalid() {
    assertStatus(() -> stub().listAnomalies(ListAnomaliesRequest.newBuilder().setPrimaryId("nope").build()),
        Status.Code.NOT_FOUND, "no primary nope");
    assertStatus(() -> stub().watchAnomalies(WatchAnomaliesRequest.newBuilder().setPrimaryId("nope").build()).hasNext(),
        Status.Code.NOT_FOUND, "no primary nope");
    assertStatus(() -> stub().watchAnomalies(WatchAnomaliesRequest.newBuilder().setMinScore(1.5).build()).hasNext(),
        Status.Code.INVALID_ARGUMENT, "min_score must be in [0, 1]");
    assertStatus(() -> stub().listAnomalies(ListAnomaliesRequest.newBuilder().setLimit(100_000).build()),
        Status.Code.INVALID_ARGUMENT, "limit must be at most 10000");
    assertStatus(() -> stub().listAnomalies(ListAnomaliesRequest.newBuilder().setSinceUnixMs(-1).build()),
        Status.Code.INVALID_ARGUMENT, "since_unix_ms must not be negative");
    assertThat(stub().listAnomalies(ListAnomaliesRequest.getDefaultInstance()).getAnomaliesList()).isEmpty();
  }

  private static void assertStatus(Runnable call, Status.Code code, String description) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isEqualTo(description);
    });
  }
}
