package dev.umbra.it.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.it.support.ShadowCredentials;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.AnomalyServiceGrpc;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.DownloadCheckpointRequest;
import dev.umbra.proto.v1.ForecastServiceGrpc;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.PrimaryState;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryBatch;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real {@code umbra serve} with the credentials it made on its first start, a real agent in a
 * real primary, and a hostile client written here: it cannot take the primary's stream over,
 * store values under its id or download its state; every RPC answers each role as
 * docs/security.md says; and a user who cannot read the credential files cannot use the shadow.
 */
class SecurityIT {
  private static final Duration SLOW = Duration.ofSeconds(90);
  private static final double FORGED = 12_345.0;
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

  /** Readable by every user (unlike a JUnit temporary folder), so that only the credential folder protects. */
  private Path work;
  private ShadowProcess shadow;
  private ShadowCredentials credentials;
  private ManagedChannel hostile;
  private final List<JavaProcess> processes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    work = Files.createTempDirectory("umbra-security-it");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    shadow = ShadowProcess.start(work, "-Xmx512m");
    credentials = shadow.credentials();
    hostile = ManagedChannelBuilder.forAddress("127.0.0.1", shadow.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    hostile.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    for (JavaProcess p : processes) {
      System.out.println("--- output of " + p + " ---\n" + p.output());
      p.close();
    }
    System.out.println(shadow.output());
    shadow.close();
    try (var files = Files.walk(work)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void theShadowMakesItsCredentials_forItsUserOnly_andNeverLogsThem() throws Exception {
    Path dir = work.resolve("data/credentials");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    for (String role : List.of("agent", "reader", "operator")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials.file(role))))
          .isEqualTo("rw-------");
      assertThat(shadow.output()).doesNotContain(credentials.token(role));
    }
  }

  @Test
  void aHostileClient_cannotHijackForgeOrDownload_andTheRealAgentsDataStaysIntact() throws Exception {
    JavaProcess primary = JavaProcess.start("primary", JavaProcess.java17Home(),
        List.of("-Xmx128m", "-javaagent:" + JavaProcess.agentJar() + "=" + shadow.agentOptions() + ",start.delay=off",
            "-cp", JavaProcess.testClasses().toString(), "dev.umbra.it.primaries.Sleeper", "0", "600"),
        Map.of(), work);
    processes.add(primary);
    await("the real agent streaming", () -> live(primary.pid()) != null && live(primary.pid()).getBatchesReceived() > 0);
    String id = live(primary.pid()).getPrimaryId();

    // with the agent's own token, a stream for the live primary without its session secret
    Status hijack = connect(credentials.token("agent"), id, true);
    assertThat(hijack.getCode()).as(hijack.toString()).isEqualTo(Status.Code.PERMISSION_DENIED);
    // and without any token: not even authenticated
    assertThat(connect(null, id, true).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    // a reader's or operator's token is no agent's
    assertThat(connect(credentials.token("operator"), id, true).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    // the state of its checkpoints: the agent's token without the primary's secret, or with a guess
    DownloadCheckpointRequest download = DownloadCheckpointRequest.newBuilder()
        .setPrimaryId(id).setCheckpointId("any").build();
    assertThat(downloadStatus(credentials.token("agent"), download, null)).isEqualTo(Status.Code.PERMISSION_DENIED);
    byte[] guess = new byte[32];
    new SecureRandom().nextBytes(guess);
    assertThat(downloadStatus(credentials.token("agent"), download, guess)).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(downloadStatus(credentials.token("reader"), download, null)).isEqualTo(Status.Code.PERMISSION_DENIED);
    // the operator gets past both: the shadow has no such checkpoint
    assertThat(downloadStatus(credentials.token("operator"), download, null)).isEqualTo(Status.Code.NOT_FOUND);

    long before = live(primary.pid()).getBatchesReceived();
    await("the real agent's batches still arriving", () -> live(primary.pid()).getBatchesReceived() > before + 5);
    Primary after = live(primary.pid());
    assertThat(after.getState()).isEqualTo(PrimaryState.PRIMARY_STATE_CONNECTED);
    assertThat(after.getLoss()).isZero();
    List<Double> cpu = shadow.control().getSeries(GetSeriesRequest.newBuilder().setPrimaryId(id)
        .setSeries("cpu.process").setLimit(600).build()).getValuesList();
    assertThat(cpu).isNotEmpty().doesNotContain(FORGED);
    assertThat(primary.output()).doesNotContain("PERMISSION_DENIED").doesNotContain("UNAUTHENTICATED");
  }

  @Test
  void everyRpc_answersEveryRole_asTheRoleTableSays() {
    Map<String, String> callers = new LinkedHashMap<>();
    callers.put("none", null);
    callers.put("wrong", "not-a-token");
    callers.put("agent", credentials.token("agent"));
    callers.put("reader", credentials.token("reader"));
    callers.put("operator", credentials.token("operator"));
    String unauth = "UNAUTHENTICATED UNAUTHENTICATED ";
    String readers = unauth + "PERMISSION_DENIED in in";
    String operators = unauth + "PERMISSION_DENIED PERMISSION_DENIED in";
    Map<String, String> expected = new TreeMap<>();
    expected.put("umbra.v1.TelemetryService/Connect", unauth + "in PERMISSION_DENIED PERMISSION_DENIED");
    // an agent gets past the token check, then must prove the primary's secret: no such primary here
    expected.put("umbra.v1.TelemetryService/UploadCheckpoint", unauth + "PERMISSION_DENIED PERMISSION_DENIED PERMISSION_DENIED");
    expected.put("umbra.v1.TelemetryService/DownloadCheckpoint", unauth + "PERMISSION_DENIED PERMISSION_DENIED in");
    for (String m : List.of("ForecastService/GetForecast", "ForecastService/WatchForecasts",
        "AnomalyService/ListAnomalies", "AnomalyService/WatchAnomalies", "ControlService/ListPrimaries",
        "ControlService/GetSeries", "ControlService/ListCheckpoints", "ControlService/ListDecisions",
        "ControlService/GetHeap")) {
      expected.put("umbra.v1." + m, readers);
    }
    for (String m : List.of("Checkpoint", "Rollback", "SetSampling")) {
      expected.put("umbra.v1.ControlService/" + m, operators);
    }

    Map<String, String> actual = new TreeMap<>();
    for (ServiceDescriptor service : SERVICES) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        List<String> row = new ArrayList<>();
        for (String token : callers.values()) {
          Status.Code code = call(method, token);
          row.add(code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED ? code.name() : "in");
        }
        actual.put(method.getFullMethodName(), String.join(" ", row));
      }
    }
    System.out.println("role matrix (none wrong agent reader operator):");
    actual.forEach((m, row) -> System.out.println("  " + m + "  " + row));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void anotherUser_cannotReadTheCredentials_norUseTheShadow() throws Exception {
    Path cwd = Files.createDirectories(work.resolve("nobody"));
    Files.setPosixFilePermissions(cwd, PosixFilePermissions.fromString("rwxrwxrwx"));
    JavaProcess withData = nobody("nobody-primaries-data", cwd, "primaries", "--data", work.resolve("data").toString());
    assertThat(withData.awaitExit(SLOW)).as(withData.output()).isEqualTo(1);
    assertThat(umbraLines(withData)).containsExactly("umbra: cannot read the credential file "
        + credentials.file("reader") + ": permission denied");

    JavaProcess byDefault = nobody("nobody-primaries", cwd, "primaries");
    assertThat(byDefault.awaitExit(SLOW)).as(byDefault.output()).isEqualTo(1);
    assertThat(umbraLines(byDefault)).singleElement().asString()
        .startsWith("umbra: refused by the shadow: a bearer token is required");

    JavaProcess rollback = nobody("nobody-rollback", cwd, "rollback", "some/1/2", "--data", work.resolve("data").toString());
    assertThat(rollback.awaitExit(SLOW)).as(rollback.output()).isEqualTo(1);
    assertThat(umbraLines(rollback)).containsExactly("umbra: cannot read the credential file "
        + credentials.file("operator") + ": permission denied");
  }

  private JavaProcess nobody(String name, Path cwd, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
        JavaProcess.java17Home().resolve("bin/java").toString(), "-jar", JavaProcess.shadowJar().toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--shadow", "127.0.0.1:" + shadow.grpcPort()));
    JavaProcess p = JavaProcess.exec(name, command, Map.of("HOME", cwd.toString()), cwd);
    processes.add(p);
    return p;
  }

  private static List<String> umbraLines(JavaProcess p) {
    return p.output().lines().filter(l -> l.startsWith("umbra:")).toList();
  }

  private Primary live(long pid) {
    return shadow.primaries(false).stream().filter(p -> p.getPid() == pid).findFirst().orElse(null);
  }

  /** Opens a Connect stream with {@code token}, says Hello for {@code primaryId} with a secret of its own, sends a forged batch. */
  private Status connect(String token, String primaryId, boolean forge) throws Exception {
    CompletableFuture<Status> closed = new CompletableFuture<>();
    var stub = TelemetryServiceGrpc.newStub(hostile);
    if (token != null) {
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(ShadowCredentials.bearer(token)));
    }
    StreamObserver<AgentMessage> out = stub.connect(new StreamObserver<ShadowCommand>() {
      @Override
      public void onNext(ShadowCommand command) {}

      @Override
      public void onError(Throwable t) {
        closed.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        closed.complete(Status.OK);
      }
    });
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    out.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setPrimaryId(primaryId).setWorkload("forged")
        .setHost("evil").setPid(1).setAgentVersion("evil").setSessionSecret(ByteString.copyFrom(secret))
        .setNextSequence(1)).build());
    if (forge) {
      long now = System.currentTimeMillis();
      SeriesData.Builder cpu = SeriesData.newBuilder().setName("cpu.process");
      for (int i = 0; i < 5; i++) {
        cpu.addTimeUnixMs(now - 1000L * i).addValues(FORGED);
      }
      try {
        out.onNext(AgentMessage.newBuilder().setBatch(TelemetryBatch.newBuilder().setSequence(1).addSeries(cpu)).build());
      } catch (RuntimeException alreadyClosed) {
        // refused before the batch went out
      }
    }
    Status status = closed.get(30, TimeUnit.SECONDS);
    try {
      out.onCompleted();
    } catch (RuntimeException alreadyClosed) {
      // the shadow ended it
    }
    return status;
  }

  private Status.Code downloadStatus(String token, DownloadCheckpointRequest request, byte[] secret) {
    Metadata headers = ShadowCredentials.bearer(token);
    if (secret != null) {
      headers.put(Metadata.Key.of("umbra-session-secret-bin", Metadata.BINARY_BYTE_MARSHALLER), secret);
    }
    try {
      TelemetryServiceGrpc.newBlockingStub(hostile).withDeadlineAfter(20, TimeUnit.SECONDS)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .downloadCheckpoint(request).forEachRemaining(chunk -> {});
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** One call with an empty message and {@code token}, half-closed; the status it ends with (3 s at most). */
  private Status.Code call(MethodDescriptor<?, ?> method, String token) {
    MethodDescriptor<byte[], byte[]> raw = method.toBuilder(BYTES, BYTES).build();
    CompletableFuture<Status> closed = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call = hostile.newCall(raw, CallOptions.DEFAULT.withDeadlineAfter(3, TimeUnit.SECONDS));
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, token == null ? new Metadata() : ShadowCredentials.bearer(token));
    call.request(Integer.MAX_VALUE);
    call.sendMessage(new byte[0]);
    call.halfClose();
    return closed.join().getCode();
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(SLOW);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what + "\n" + shadow.output());
      }
      Thread.sleep(250);
    }
  }
}
