package dev.umbra.shadow.grpc;

import dev.umbra.shadow.auth.TestTokens;
import static dev.umbra.shadow.grpc.ApiFixture.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.ListPrimariesResponse;
import dev.umbra.proto.v1.SetSamplingRequest;
import dev.umbra.proto.v1.SamplingConfig;
import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.ingest.PrimaryState;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorInterceptorTest {
  /** A field with wire type 7, which does not exist: no message parses from it. */
  private static final byte[] GARBAGE = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00};

  @TempDir Path data;
  private ApiFixture api;

  @BeforeEach
  void start() throws Exception {
    api = new ApiFixture(data);
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private static MethodDescriptor<byte[], byte[]> raw(String method, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName(method)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
  }

  /** Opens Connect, sends {@code messages} as they are, returns how the shadow ended the stream. */
  private Status connectSending(byte[]... messages) throws Exception {
    CompletableFuture<Status> closed = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
        api.channel.newCall(raw("umbra.v1.TelemetryService/Connect", MethodDescriptor.MethodType.BIDI_STREAMING),
            CallOptions.DEFAULT),
        new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {}

          @Override
          public void onError(Throwable t) {
            closed.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            closed.complete(Status.OK);
          }
        });
    for (byte[] message : messages) {
      requests.onNext(message);
    }
    return closed.get(5, TimeUnit.SECONDS);
  }

  @Nested
  class UnparsableMessages {
    @Test
    void endAStream_withInvalidArgument_andTheShadowKeepsServing() throws Exception {
      Status status = connectSending(GARBAGE);

      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).isEqualTo("a message to umbra.v1.TelemetryService/Connect is not valid protobuf");
      assertThat(api.serving()).isTrue();
      try (ApiFixture.Agent agent = new ApiFixture.Agent(api.channel, "p1")) {
        api.awaitConnected("p1"); // a real agent still gets in
      }
    }

    @Test
    void afterHello_detachTheStreamsPrimary() throws Exception {
      byte[] hello = dev.umbra.proto.v1.AgentMessage.newBuilder().setHello(ApiFixture.hello("p1")).build().toByteArray();

      assertThat(connectSending(hello, GARBAGE).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

      long deadline = System.nanoTime() + ApiFixture.WAIT.toNanos();
      while (api.ingest.sessions().get("p1").orElseThrow().state() != PrimaryState.DISCONNECTED
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(api.ingest.sessions().get("p1").orElseThrow().state()).isEqualTo(PrimaryState.DISCONNECTED);
    }

    @Test
    void fromFiftyConnections_eachGetInvalidArgument() throws Exception {
      for (int i = 0; i < 50; i++) {
        assertThat(connectSending(GARBAGE).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      }
      assertThat(api.serving()).isTrue();
    }

    @Test
    void endAUnaryCall_withInvalidArgument() {
      Status status = statusOf(() -> ClientCalls.blockingUnaryCall(api.channel,
          raw("umbra.v1.ControlService/GetSeries", MethodDescriptor.MethodType.UNARY), CallOptions.DEFAULT, GARBAGE));

      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(api.serving()).isTrue();
    }
  }

  @Nested
  class ErrorTexts {
    @Test
    void anUnknownTwentyKilobytePrimaryId_getsNotFound_echoedInPart() {
      String id = "x".repeat(20_000);

      Status status = statusOf(() -> api.control()
          .getSeries(GetSeriesRequest.newBuilder().setPrimaryId(id).setSeries("cpu.process").build()));

      assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(status.getDescription()).isEqualTo("no primary " + "x".repeat(ApiMapping.MAX_ECHO_CHARS) + "…");
      assertThat(api.serving()).isTrue();
    }

    @Test
    void anUnknownTwentyKilobytePrimaryId_getsNotFound_fromSetSamplingToo() {
      SetSamplingRequest request = SetSamplingRequest.newBuilder().setPrimaryId("é".repeat(20_000))
          .setSampling(SamplingConfig.getDefaultInstance()).build();

      assertThat(statusOf(() -> api.control().setSampling(request)).getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void anyDescription_isCutToItsBound() throws Exception {
      String name = InProcessServerBuilder.generateName();
      String huge = "ünicode ".repeat(5_000);
      ControlServiceGrpc.ControlServiceImplBase verbose = new ControlServiceGrpc.ControlServiceImplBase() {
        @Override
        public void listPrimaries(ListPrimariesRequest request, StreamObserver<ListPrimariesResponse> out) {
          throw new ApiException(Status.FAILED_PRECONDITION.withDescription(huge));
        }
      };
      Server server = InProcessServerBuilder.forName(name)
          .addService(ShadowApi.bind(verbose, ShadowApi.interceptors(TestTokens.allRoles())))
          .build().start();
      ManagedChannel channel = InProcessChannelBuilder.forName(name).intercept(TestTokens.bearer(TestTokens.ALL)).maxInboundMetadataSize(8192).build();
      try {
        Status status = statusOf(() -> ControlServiceGrpc.newBlockingStub(channel)
            .listPrimaries(ListPrimariesRequest.getDefaultInstance()));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).hasSize(ErrorInterceptor.MAX_DESCRIPTION_CHARS + 1).endsWith("…")
            .startsWith("ünicode ünicode");
      } finally {
        channel.shutdownNow();
        server.shutdownNow();
      }
    }
  }

  @Nested
  class UnparsableLogLines {
    private final MutableClock clock = MutableClock.at("2027-01-15T08:00:00Z");
    private final LogLimiter limiter = new LogLimiter(clock, Duration.ofSeconds(10));

    @Test
    void areLetThroughOncePerInterval_countingTheOthers() {
      assertThat(limiter.admit()).isZero();
      for (int i = 0; i < 49; i++) {
        assertThat(limiter.admit()).isEqualTo(-1);
      }
      clock.advance(Duration.ofSeconds(9));
      assertThat(limiter.admit()).isEqualTo(-1);
      clock.advance(Duration.ofSeconds(1));
      assertThat(limiter.admit()).isEqualTo(50);
      clock.advance(Duration.ofSeconds(10));
      assertThat(limiter.admit()).isZero();
    }
  }
}
