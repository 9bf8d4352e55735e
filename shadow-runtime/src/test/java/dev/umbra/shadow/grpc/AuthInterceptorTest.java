package dev.umbra.shadow.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.AnomalyServiceGrpc;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.ForecastServiceGrpc;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import dev.umbra.shadow.auth.TestTokens;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every method of the shadow's services against every kind of caller, through the real
 * interceptor stack in front of services that answer OK to whatever reaches them: the status
 * table is what the role table lets through. (Checks that depend on the request, an agent's own
 * primary, are the services' and SecurityIT's.)
 */
class AuthInterceptorTest {
  private static final List<ServiceDescriptor> SERVICES = List.of(
      TelemetryServiceGrpc.getServiceDescriptor(), ForecastServiceGrpc.getServiceDescriptor(),
      AnomalyServiceGrpc.getServiceDescriptor(), ControlServiceGrpc.getServiceDescriptor());

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

  /** Callers, by column: no token, a wrong one, and each role's. */
  private static final Map<String, String> CALLERS = new LinkedHashMap<>();

  static {
    CALLERS.put("none", null);
    CALLERS.put("wrong", "guess");
    CALLERS.put("agent", TestTokens.AGENT);
    CALLERS.put("reader", TestTokens.READER);
    CALLERS.put("operator", TestTokens.OPERATOR);
  }

  private static final String UNAUTH = "UNAUTHENTICATED UNAUTHENTICATED ";
  private static final String AGENT_ONLY = UNAUTH + "OK PERMISSION_DENIED PERMISSION_DENIED";
  private static final String READERS = UNAUTH + "PERMISSION_DENIED OK OK";
  private static final String OPERATORS = UNAUTH + "PERMISSION_DENIED PERMISSION_DENIED OK";

  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
    var interceptors = ShadowApi.interceptors(TestTokens.separate());
    for (ServiceDescriptor service : SERVICES) {
      builder.addService(ShadowApi.bind(answeringOk(service), interceptors));
    }
    builder.addService(ShadowApi.bind(answeringOk(ServiceDescriptor.newBuilder("umbra.v1.NewService")
        .addMethod(rawMethod("umbra.v1.NewService/GetHeap", MethodDescriptor.MethodType.UNARY)).build()), interceptors));
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void answersEveryMethod_forEveryCaller_asTheRoleTableSays() {
    Map<String, String> expected = new TreeMap<>();
    expected.put("umbra.v1.TelemetryService/Connect", AGENT_ONLY);
    expected.put("umbra.v1.TelemetryService/UploadCheckpoint", AGENT_ONLY);
    expected.put("umbra.v1.TelemetryService/DownloadCheckpoint", UNAUTH + "OK PERMISSION_DENIED OK");
    expected.put("umbra.v1.ForecastService/GetForecast", READERS);
    expected.put("umbra.v1.ForecastService/WatchForecasts", READERS);
    expected.put("umbra.v1.AnomalyService/ListAnomalies", READERS);
    expected.put("umbra.v1.AnomalyService/WatchAnomalies", READERS);
    expected.put("umbra.v1.ControlService/ListPrimaries", READERS);
    expected.put("umbra.v1.ControlService/GetSeries", READERS);
    expected.put("umbra.v1.ControlService/ListCheckpoints", READERS);
    expected.put("umbra.v1.ControlService/ListDecisions", READERS);
    expected.put("umbra.v1.ControlService/GetHeap", READERS);
    expected.put("umbra.v1.ControlService/Checkpoint", OPERATORS);
    expected.put("umbra.v1.ControlService/Rollback", OPERATORS);
    expected.put("umbra.v1.ControlService/SetSampling", OPERATORS);

    Map<String, String> actual = new TreeMap<>();
    for (ServiceDescriptor service : SERVICES) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        actual.put(method.getFullMethodName(), row(method));
      }
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void refusesAMethodWithoutARow_toEveryRole() {
    MethodDescriptor<?, ?> getHeap = rawMethod("umbra.v1.NewService/GetHeap", MethodDescriptor.MethodType.UNARY);
    assertThat(row(getHeap)).isEqualTo(UNAUTH + "PERMISSION_DENIED PERMISSION_DENIED PERMISSION_DENIED");
    Status status = call(getHeap, TestTokens.OPERATOR);
    assertThat(status.getDescription()).isEqualTo("umbra.v1.NewService/GetHeap is not open to any role");
  }

  @Test
  void saysWhichRoleIsNeeded_andWhatIsWrongWithTheToken() {
    MethodDescriptor<?, ?> rollback = ControlServiceGrpc.getRollbackMethod();
    assertThat(call(rollback, TestTokens.READER).getDescription())
        .isEqualTo("umbra.v1.ControlService/Rollback needs the role operator");
    assertThat(call(rollback, null).getDescription()).startsWith("a bearer token is required");
    assertThat(call(rollback, "guess").getDescription()).isEqualTo("the bearer token is not valid");
  }

  @Test
  void givesATokenHeldByTwoRoles_both() {
    var shared = new dev.umbra.shadow.auth.Credentials(Map.of(dev.umbra.shadow.auth.Role.AGENT, "t",
        dev.umbra.shadow.auth.Role.READER, "t", dev.umbra.shadow.auth.Role.OPERATOR, "o"));
    assertThat(shared.rolesOf("t")).containsExactlyInAnyOrder(dev.umbra.shadow.auth.Role.AGENT,
        dev.umbra.shadow.auth.Role.READER);
    assertThat(shared.rolesOf("o")).containsExactlyInAnyOrder(dev.umbra.shadow.auth.Role.OPERATOR,
        dev.umbra.shadow.auth.Role.READER);
    assertThat(shared.rolesOf("x")).isEmpty();
    assertThat(shared.rolesOf(null)).isEmpty();
    assertThat(shared.toString()).doesNotContain("t,").doesNotContain("o)");
  }

  /** Per caller, the refusal, or OK when the call reached the service (whose fake ends it at once). */
  private String row(MethodDescriptor<?, ?> method) {
    StringBuilder row = new StringBuilder();
    for (String token : CALLERS.values()) {
      Status.Code code = call(method, token).getCode();
      boolean refused = code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED;
      row.append(row.length() == 0 ? "" : " ").append(refused ? code : Status.Code.OK);
    }
    return row.toString();
  }

  /** One call with an empty message, half-closed at once; the status it ends with. */
  private Status call(MethodDescriptor<?, ?> method, String token) {
    MethodDescriptor<byte[], byte[]> raw = method.toBuilder(BYTES, BYTES).build();
    CompletableFuture<Status> closed = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call = channel.newCall(raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
    }
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, headers);
    call.request(1);
    call.sendMessage(new byte[0]);
    call.halfClose();
    return closed.join();
  }

  private static MethodDescriptor<byte[], byte[]> rawMethod(String fullName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder(BYTES, BYTES).setFullMethodName(fullName).setType(type).build();
  }

  /** A service with {@code descriptor}'s methods that ends every call it is given with OK. */
  private static ServerServiceDefinition answeringOk(ServiceDescriptor descriptor) {
    ServiceDescriptor.Builder rawDescriptor = ServiceDescriptor.newBuilder(descriptor.getName());
    List<MethodDescriptor<byte[], byte[]>> methods = descriptor.getMethods().stream()
        .map(m -> m.toBuilder(BYTES, BYTES).build()).toList();
    methods.forEach(rawDescriptor::addMethod);
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(rawDescriptor.build());
    ServerCallHandler<byte[], byte[]> ok = (ServerCall<byte[], byte[]> call, Metadata headers) -> {
      call.close(Status.OK, new Metadata());
      return new ServerCall.Listener<>() {};
    };
    methods.forEach(m -> builder.addMethod(m, ok));
    return builder.build();
  }
}
