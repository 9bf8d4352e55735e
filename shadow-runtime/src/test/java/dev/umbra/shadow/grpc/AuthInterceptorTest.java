package dev.umbra.shadow.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.ListPrimariesResponse;
import dev.umbra.proto.v1.SetSamplingRequest;
import dev.umbra.proto.v1.SetSamplingResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthInterceptorTest {
  private Server server;
  private ManagedChannel channel;

  /** A ControlService that answers every call it is let through. */
  private static final class Answering extends ControlServiceGrpc.ControlServiceImplBase {
    @Override
    public void listPrimaries(ListPrimariesRequest request, StreamObserver<ListPrimariesResponse> out) {
      out.onNext(ListPrimariesResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void setSampling(SetSamplingRequest request, StreamObserver<SetSamplingResponse> out) {
      out.onNext(SetSamplingResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void getSeries(dev.umbra.proto.v1.GetSeriesRequest r, StreamObserver<dev.umbra.proto.v1.GetSeriesResponse> o) {
      throw new IllegalStateException("a bug with secret details");
    }
  }

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    var interceptors = ShadowApi.interceptors(Optional.of("client-secret"), Optional.of("admin-secret"));
    server =
        InProcessServerBuilder.forName(name)
            .addService(ServerInterceptors.intercept(new Answering(), interceptors))
            .addService(ServerInterceptors.intercept(new HealthStatusManager().getHealthService(), interceptors))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private ControlServiceGrpc.ControlServiceBlockingStub control(String token) {
    var stub = ControlServiceGrpc.newBlockingStub(channel);
    if (token == null) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static Status statusOf(Runnable call) {
    try {
      call.run();
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  @Test
  void refusesACallWithoutToken() {
    Status s = statusOf(() -> control(null).listPrimaries(ListPrimariesRequest.getDefaultInstance()));
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(s.getDescription()).isEqualTo("a bearer token is required");
  }

  @Test
  void refusesAWrongToken() {
    Status s = statusOf(() -> control("guess").listPrimaries(ListPrimariesRequest.getDefaultInstance()));
    assertThat(s.getDescription()).isEqualTo("the bearer token is not valid");
  }

  @Test
  void letsTheClientTokenRead_butNotChangeAPrimary() {
    assertThat(statusOf(() -> control("client-secret").listPrimaries(ListPrimariesRequest.getDefaultInstance())))
        .isEqualTo(Status.OK);
    Status s = statusOf(() -> control("client-secret").setSampling(SetSamplingRequest.getDefaultInstance()));
    assertThat(s.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(s.getDescription()).isEqualTo("umbra.v1.ControlService/SetSampling needs the admin token");
  }

  @Test
  void letsTheAdminTokenDoEverything() {
    assertThat(statusOf(() -> control("admin-secret").setSampling(SetSamplingRequest.getDefaultInstance())))
        .isEqualTo(Status.OK);
    assertThat(statusOf(() -> control("admin-secret").listPrimaries(ListPrimariesRequest.getDefaultInstance())))
        .isEqualTo(Status.OK);
  }

  @Test
  void leavesHealthOpen_forProbes() {
    assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void turnsAnEscapingBug_intoABareInternal() {
    Status s = statusOf(() -> control("client-secret").getSeries(dev.umbra.proto.v1.GetSeriesRequest.getDefaultInstance()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(s.getDescription()).isEqualTo("internal error");
  }
}
