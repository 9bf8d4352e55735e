package dev.umbra.shadow.grpc;

import static dev.umbra.shadow.grpc.ApiFixture.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.umbra.proto.v1.Criticality;
import dev.umbra.proto.v1.SamplingConfig;
import dev.umbra.proto.v1.SetSamplingRequest;
import dev.umbra.proto.v1.SetSamplingResponse;
import dev.umbra.proto.v1.ShadowCommand;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SetSampling against a connected primary: what the attacker test sent, and what still passes. */
class SetSamplingBoundsTest {
  private static final long TEN_THOUSAND_YEARS_SECONDS = 10_000L * 365 * 86_400;

  @TempDir Path data;
  private ApiFixture api;
  private ApiFixture.Agent agent;

  @BeforeEach
  void start() throws Exception {
    api = new ApiFixture(data);
    agent = new ApiFixture.Agent(api.channel, "p1");
    api.awaitConnected("p1");
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    api.close();
  }

  private static Duration nanos(long seconds, int nanos) {
    return Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build();
  }

  static Stream<Arguments> outOfBounds() {
    return Stream.of(
        Arguments.of("criticality 99", SamplingConfig.newBuilder().setCriticalityValue(99), "sampling.criticality"),
        Arguments.of("batch 1 ns", SamplingConfig.newBuilder().setBatchPeriod(nanos(0, 1)), "sampling.batch_period"),
        Arguments.of("batch -1 s", SamplingConfig.newBuilder().setBatchPeriod(nanos(-1, 0)), "sampling.batch_period"),
        Arguments.of("batch 10 000 years",
            SamplingConfig.newBuilder().setBatchPeriod(nanos(TEN_THOUSAND_YEARS_SECONDS, 0)), "sampling.batch_period"),
        Arguments.of("batch beyond Duration's range",
            SamplingConfig.newBuilder().setBatchPeriod(nanos(Long.MIN_VALUE, -1)), "sampling.batch_period"),
        Arguments.of("batch with nanos of the wrong sign",
            SamplingConfig.newBuilder().setBatchPeriod(nanos(1, -5)), "sampling.batch_period"),
        Arguments.of("gauge 1 ns", SamplingConfig.newBuilder().setGaugePeriod(nanos(0, 1)), "sampling.gauge_period"),
        Arguments.of("gauge 10 000 years",
            SamplingConfig.newBuilder().setGaugePeriod(nanos(TEN_THOUSAND_YEARS_SECONDS, 0)), "sampling.gauge_period"),
        Arguments.of("execution 1 ms",
            SamplingConfig.newBuilder().setExecutionSamplePeriod(nanos(0, 1_000_000)), "sampling.execution_sample_period"),
        Arguments.of("histogram 1 s",
            SamplingConfig.newBuilder().setClassHistogramPeriod(nanos(1, 0)), "sampling.class_histogram_period"),
        Arguments.of("io threshold -1 ns",
            SamplingConfig.newBuilder().setIoEventThreshold(nanos(0, -1)), "sampling.io_event_threshold"),
        Arguments.of("contention threshold 1 h",
            SamplingConfig.newBuilder().setContentionThreshold(nanos(3600, 0)), "sampling.contention_threshold"),
        Arguments.of("top classes 10 001", SamplingConfig.newBuilder().setTopClasses(10_001), "sampling.top_classes"),
        Arguments.of("top classes 2^31 (a negative int)",
            SamplingConfig.newBuilder().setTopClasses(Integer.MIN_VALUE), "sampling.top_classes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outOfBounds")
  void refusesAFieldOutOfBounds_namingIt_andSendsTheAgentNothing(String what, SamplingConfig.Builder sampling,
      String field) throws Exception {
    SetSamplingRequest request = SetSamplingRequest.newBuilder().setPrimaryId("p1").setSampling(sampling).build();

    Status status = statusOf(() -> api.control().setSampling(request));

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).startsWith(field + ":");
    assertThat(agent.commands.poll(100, TimeUnit.MILLISECONDS)).isNull();
    assertThat(api.serving()).isTrue();
    assertThat(agent.closed).isNotDone();
  }

  @Test
  void passesSamplingWithinTheBounds_toTheAgent() throws Exception {
    SamplingConfig sampling = SamplingConfig.newBuilder()
        .setCriticality(Criticality.CRITICALITY_HIGH)
        .setBatchPeriod(nanos(0, 50_000_000)) // the lower bounds
        .setGaugePeriod(nanos(0, 100_000_000))
        .setExecutionSamplePeriod(nanos(0, 10_000_000))
        .setClassHistogramPeriod(nanos(86_400, 0)) // the upper bounds
        .setIoEventThreshold(nanos(60, 0))
        .setContentionThreshold(nanos(0, 0)) // zero: keep
        .setTopClasses(10_000)
        .build();

    SetSamplingResponse response =
        api.control().setSampling(SetSamplingRequest.newBuilder().setPrimaryId("p1").setSampling(sampling).build());

    assertThat(response.getSampling()).isEqualTo(sampling);
    ShadowCommand sent = agent.commands.poll(5, TimeUnit.SECONDS);
    assertThat(sent).isNotNull();
    assertThat(sent.getSetSampling().getSampling()).isEqualTo(sampling);
  }

  @Test
  void refusesBadSamplingBeforeLookingUpThePrimary() {
    SetSamplingRequest request = SetSamplingRequest.newBuilder().setPrimaryId("nobody")
        .setSampling(SamplingConfig.newBuilder().setCriticalityValue(99)).build();

    assertThat(statusOf(() -> api.control().setSampling(request)).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }
}
