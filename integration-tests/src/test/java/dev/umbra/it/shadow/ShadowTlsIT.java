package dev.umbra.it.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.PrimaryState;
import dev.umbra.proto.v1.SetSamplingRequest;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code umbra serve} with TLS (a self-signed certificate made by the JDK's keytool for
 * 127.0.0.1), a client token and an admin token: clients and an agent that trust the certificate
 * and send the right token get in; the wrong token, no token, a client that does not trust the
 * certificate and a plaintext client are each refused with their status.
 */
class ShadowTlsIT {
  private static final String TOKEN = "client-secret";
  private static final String ADMIN = "admin-secret";
  /** Agents start in seconds, but on a loaded 2-core CI box three of them took over 90 s. */
  private static final Duration SLOW = Duration.ofSeconds(300);

  @TempDir Path work;
  private final int port = FreePort.pick();
  private final List<JavaProcess> processes = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Path cert;
  private JavaProcess shadow;
  /** The shadow writes UMBRA_TOKEN into its agent.token, which the agents read (token.file=). */
  private dev.umbra.it.support.ShadowCredentials credentials;

  @BeforeEach
  void startShadowWithTls() throws Exception {
    cert = work.resolve("cert.pem");
    Path key = work.resolve("key.pem");
    selfSigned(cert, key);
    shadow = JavaProcess.start("shadow-tls", JavaProcess.java17Home(),
        List.of("-Xmx512m", "-jar", JavaProcess.shadowJar().toString(), "serve",
            "--port", Integer.toString(port), "--http-port", "0", "--data", work.resolve("data").toString(),
            "--tls-cert", cert.toString(), "--tls-key", key.toString()),
        Map.of("UMBRA_TOKEN", TOKEN, "UMBRA_ADMIN_TOKEN", ADMIN), work); // never on the command line
    processes.add(shadow);
    shadow.awaitOutput("shadow listening on 127\\.0\\.0\\.1:" + port, SLOW);
    credentials = new dev.umbra.it.support.ShadowCredentials(work.resolve("data"));
    assertThat(credentials.token("agent")).isEqualTo(TOKEN);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (JavaProcess p : processes) {
      System.out.println("--- output of " + p + " ---\n" + p.output());
      p.close();
    }
  }

  /** keytool (in every JDK) makes the key pair and certificate; they are written out as PEM. */
  private void selfSigned(Path certPem, Path keyPem) throws Exception {
    Path store = work.resolve("shadow.p12");
    Process keytool = new ProcessBuilder(
        JavaProcess.java17Home().resolve("bin/keytool").toString(), "-genkeypair", "-alias", "shadow",
        "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
        "-ext", "san=ip:127.0.0.1,dns:localhost", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    String said = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(said).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    Files.writeString(certPem, pem("CERTIFICATE", ks.getCertificate("shadow").getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", ks.getKey("shadow", "changeit".toCharArray()).getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private ManagedChannel tls(boolean trustTheCertificate) throws Exception {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", port);
    if (trustTheCertificate) {
      builder.sslContext(GrpcSslContexts.forClient().trustManager(cert.toFile()).build());
    } else {
      builder.useTransportSecurity();
    }
    ManagedChannel channel = builder.build();
    channels.add(channel);
    return channel;
  }

  private ManagedChannel plaintext() {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private static ControlServiceGrpc.ControlServiceBlockingStub control(ManagedChannel channel, String token) {
    var stub = ControlServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    return token == null ? stub : stub.withCallCredentials(bearer(token));
  }

  private static Status.Code refusal(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(call::run, StatusRuntimeException.class);
    assertThat(e).as("the call was refused").isNotNull();
    return e.getStatus().getCode();
  }

  private static final ListPrimariesRequest LIST = ListPrimariesRequest.newBuilder().setIncludeGone(true).build();

  @Test
  void clientsWithTheTokenGetIn_overTls_andTheRestAreRefused() throws Exception {
    ManagedChannel trusted = tls(true);

    assertThat(control(trusted, TOKEN).listPrimaries(LIST).getPrimariesList()).isEmpty();
    assertThat(control(trusted, ADMIN).listPrimaries(LIST).getPrimariesList()).isEmpty();
    assertThat(refusal(() -> control(trusted, null).listPrimaries(LIST))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(refusal(() -> control(trusted, "wrong").listPrimaries(LIST))).isEqualTo(Status.Code.UNAUTHENTICATED);

    SetSamplingRequest sampling = SetSamplingRequest.newBuilder().setPrimaryId("nobody/1/2").build();
    assertThat(refusal(() -> control(trusted, TOKEN).setSampling(sampling))).isEqualTo(Status.Code.PERMISSION_DENIED);
    // with the admin token the call gets past authentication to the service, which knows no such primary
    assertThat(refusal(() -> control(trusted, ADMIN).setSampling(sampling)))
        .isNotIn(Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED, Status.Code.UNAVAILABLE);

    ManagedChannel plain = plaintext();
    assertThat(refusal(() -> control(plain, TOKEN).listPrimaries(LIST))).isEqualTo(Status.Code.UNAVAILABLE);
    ManagedChannel distrustful = tls(false);
    assertThat(refusal(() -> control(distrustful, TOKEN).listPrimaries(LIST))).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(shadow.isAlive()).isTrue();
    assertThat(control(trusted, TOKEN).listPrimaries(LIST).getPrimariesList()).isEmpty(); // still serving
  }

  @Test
  void theCommandLineTrustsTheCertificateWithTlsCa() throws Exception {
    JavaProcess ok = cli("cli-tls-ca", Map.of("UMBRA_TOKEN", TOKEN), "--tls-ca", cert.toString());
    assertThat(ok.awaitExit(SLOW)).as(ok.output()).isZero();

    JavaProcess noToken = cli("cli-no-token", Map.of(), "--tls-ca", cert.toString());
    assertThat(noToken.awaitExit(SLOW)).isEqualTo(1);
    assertThat(noToken.output()).contains("refused by the shadow");
  }

  private JavaProcess cli(String name, Map<String, String> env, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("-jar", JavaProcess.shadowJar().toString(), "primaries",
        "--shadow", "127.0.0.1:" + port));
    args.addAll(List.of(options));
    JavaProcess p = JavaProcess.start(name, JavaProcess.java17Home(), args, env, work);
    processes.add(p);
    return p;
  }

  @Test
  void anAgentTrustingTheCertificateWithTheTokenStreams_oneWithoutTheTokenIsRefused() throws Exception {
    JavaProcess good = primary("agent-tls", "shadow=127.0.0.1:" + port + ",tls.ca=" + cert + "," + credentials.agentOption());
    JavaProcess tokenless = primary("agent-no-token", "shadow=127.0.0.1:" + port + ",tls.ca=" + cert);
    JavaProcess plaintext = primary("agent-plaintext", "shadow=127.0.0.1:" + port + "," + credentials.agentOption());
    ManagedChannel trusted = tls(true);

    await("the TLS agent streaming", () -> control(trusted, TOKEN).listPrimaries(LIST).getPrimariesList().stream()
        .anyMatch(p -> p.getPid() == good.pid() && p.getState() == PrimaryState.PRIMARY_STATE_CONNECTED
            && p.getBatchesReceived() > 0));
    tokenless.awaitOutput("umbra-agent WARN shadow 127\\.0\\.0\\.1:" + port + " unavailable \\(UNAUTHENTICATED",
        SLOW);
    plaintext.awaitOutput("umbra-agent WARN shadow 127\\.0\\.0\\.1:" + port + " unavailable \\(UNAVAILABLE",
        SLOW);

    List<Long> listed = control(trusted, TOKEN).listPrimaries(LIST).getPrimariesList().stream()
        .map(Primary::getPid).toList();
    assertThat(listed).contains(good.pid()).doesNotContain(tokenless.pid(), plaintext.pid());
    assertThat(tokenless.isAlive()).isTrue();
    assertThat(plaintext.isAlive()).isTrue();
  }

  private JavaProcess primary(String name, String agentOptions) throws Exception {
    JavaProcess p = JavaProcess.start(name, JavaProcess.java17Home(),
        List.of("-Xmx128m", "-javaagent:" + JavaProcess.agentJar() + "=" + agentOptions,
            "-cp", JavaProcess.testClasses().toString(), "dev.umbra.it.primaries.Sleeper", "0", "600"),
        Map.of(), work);
    processes.add(p);
    return p;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(SLOW);
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (StatusRuntimeException e) {
        // not yet
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  private static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
  }
}
