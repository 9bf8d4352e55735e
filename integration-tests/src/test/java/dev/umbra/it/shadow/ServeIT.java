package dev.umbra.it.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code umbra serve} as a real process, reached by a plain gRPC client. */
class ServeIT {
  @TempDir Path work;
  private final List<JavaProcess> processes = new ArrayList<>();
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (JavaProcess p : processes) {
      p.close();
    }
  }

  @Test
  void servesHealthAndReflection_andStopsOnSigterm() throws Exception {
    int port = FreePort.pick();
    JavaProcess shadow = startShadow("serve", "--port", String.valueOf(port), "--http-port", "0");
    shadow.awaitOutput("shadow listening on 127\\.0\\.0\\.1:" + port, Duration.ofSeconds(30));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();

    var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(listServices()).contains("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");

    shadow.process().destroy(); // SIGTERM
    assertThat(shadow.awaitExit(Duration.ofSeconds(10))).isIn(0, 143);
  }

  @Test
  void launcherServesOnTheDefaultPort() throws Exception {
    assumeTrue(isFree(7070) && isFree(7071), "127.0.0.1:7070/7071 are in use on this machine");
    Path launcher = Path.of(System.getProperty("umbra.shadow.jar")).getParent().getParent().getParent().resolve("umbra");
    JavaProcess shadow =
        JavaProcess.exec("umbra-serve", List.of(launcher.toString(), "serve", "--data", work.resolve("data").toString()),
            Map.of("UMBRA_SKIP_BUILD", "1"), work); // the reactor built the jars already
    processes.add(shadow);
    shadow.awaitOutput("shadow listening on 127\\.0\\.0\\.1:7070", Duration.ofSeconds(60));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", 7070).usePlaintext().build();
    assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void refusesAPortInUse_withOneLineAndExit1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      JavaProcess shadow = startShadow("serve", "--port", String.valueOf(taken.getLocalPort()));
      assertThat(shadow.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(shadow.output().lines().filter(l -> l.startsWith("umbra:")).toList())
          .containsExactly("umbra: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
      assertThat(shadow.output()).doesNotContain("\tat ");
    }
  }

  private JavaProcess startShadow(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("-Xmx256m", "-jar", JavaProcess.shadowJar().toString()));
    command.addAll(List.of(args));
    if (List.of(args).contains("serve")) {
      command.addAll(List.of("--data", work.resolve("data").toString()));
    }
    JavaProcess process = JavaProcess.start("shadow", JavaProcess.java17Home(), command, Map.of(), work);
    processes.add(process);
    return process;
  }

  private List<String> listServices() throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    names.complete(
                        response.getListServicesResponse().getServiceList().stream()
                            .map(ServiceResponse::getName)
                            .toList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    names.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> result = names.get(5, TimeUnit.SECONDS);
    requests.onCompleted();
    return result;
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
