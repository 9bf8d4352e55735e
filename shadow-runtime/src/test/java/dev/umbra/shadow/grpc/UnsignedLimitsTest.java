package dev.umbra.shadow.grpc;

import static dev.umbra.shadow.grpc.ApiFixture.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.AnomalyServiceGrpc;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.GetSeriesResponse;
import dev.umbra.proto.v1.ListAnomaliesRequest;
import dev.umbra.proto.v1.ListDecisionsRequest;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.TelemetryBatch;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code uint32 limit} fields of 2^31 and more arrive in Java as negative ints. */
class UnsignedLimitsTest {
  @TempDir Path data;
  private ApiFixture api;
  private ApiFixture.Agent agent;

  @BeforeEach
  void start() throws Exception {
    api = new ApiFixture(data);
    agent = new ApiFixture.Agent(api.channel, "p1");
    api.awaitConnected("p1");
    long t0 = api.clock.millis();
    SeriesData.Builder cpu = SeriesData.newBuilder().setName("cpu.process");
    for (int i = 0; i < 3; i++) {
      cpu.addTimeUnixMs(t0 + i * 1000L).addValues(i);
    }
    agent.send(AgentMessage.newBuilder().setBatch(TelemetryBatch.newBuilder().setSequence(1).addSeries(cpu)).build());
    api.clock.advance(Duration.ofSeconds(5)); // ingest's own 200 ms tick closes the three seconds
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    api.close();
  }

  private GetSeriesResponse series(int limit) {
    return api.control().getSeries(GetSeriesRequest.newBuilder().setPrimaryId("p1").setSeries("cpu.process")
        .setLimit(limit).build());
  }

  private void awaitThreePoints() throws InterruptedException {
    long deadline = System.nanoTime() + ApiFixture.WAIT.toNanos();
    while (series(0).getValuesCount() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(series(0).getValuesList()).containsExactly(0.0, 1.0, 2.0);
  }

  @ParameterizedTest(name = "limit {0} as a signed int")
  @ValueSource(ints = {Integer.MIN_VALUE, -1, Integer.MAX_VALUE, 86_401})
  void getSeries_readsAHugeLimit_asTheMaximum(int wireLimit) throws Exception {
    awaitThreePoints();

    assertThat(series(wireLimit).getValuesList()).containsExactly(0.0, 1.0, 2.0);
    assertThat(api.serving()).isTrue();
  }

  @Test
  void listDecisions_readsAHugeLimit_asTheMaximum() {
    Status status = statusOf(() -> api.control().listDecisions(ListDecisionsRequest.newBuilder()
        .setLimit(Integer.MIN_VALUE).build()));

    assertThat(status.getCode()).isEqualTo(Status.Code.OK);
    assertThat(ControlGrpcService.limit(Integer.MIN_VALUE, 100, 10_000)).isEqualTo(10_000);
    assertThat(ControlGrpcService.limit(-1, 100, 10_000)).isEqualTo(10_000);
    assertThat(ControlGrpcService.limit(0, 100, 10_000)).isEqualTo(100);
    assertThat(ControlGrpcService.limit(7, 100, 10_000)).isEqualTo(7);
  }

  @ParameterizedTest(name = "limit {0} as a signed int")
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 10_001})
  void listAnomalies_refusesALimitAboveItsMaximum(int wireLimit) {
    Status status = statusOf(() -> AnomalyServiceGrpc.newBlockingStub(api.channel)
        .listAnomalies(ListAnomaliesRequest.newBuilder().setLimit(wireLimit).build()));

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).isEqualTo("limit must be at most 10000");
    assertThat(api.serving()).isTrue();
  }
}
