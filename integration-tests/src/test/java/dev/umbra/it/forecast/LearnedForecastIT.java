package dev.umbra.it.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.it.support.ShadowCredentials;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.Decision;
import dev.umbra.proto.v1.Forecast;
import dev.umbra.proto.v1.ForecastServiceGrpc;
import dev.umbra.proto.v1.GetForecastRequest;
import dev.umbra.proto.v1.Horizon;
import dev.umbra.proto.v1.ListDecisionsRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second run of a workload is served by the LSTM learned on the first from its first minute,
 * and the manager's decisions name it: a real {@code umbra serve --manage recommend} with a
 * 3 s lead (so the live models serve a 3 × 1 s horizon), a first primary run until the shadow has
 * trained an LSTM for that horizon whose saved backtest beat the baselines, then a second run of
 * the same main class with another argument (another workload hash, a near workload).
 * Training is made quick through the {@code forecast-*} keys only.
 */
class LearnedForecastIT {
  private static final Duration START = Duration.ofSeconds(90);
  /** Run 1: long enough for 20 blocks to train on and 24 scored horizons of evidence, on a loaded machine. */
  private static final Duration LEARN = Duration.ofSeconds(300);
  private static final Duration FIRST_MINUTE = Duration.ofSeconds(60);
  private static final int LEAD_SECONDS = 3;

  @TempDir Path work;
  private final List<JavaProcess> processes = new ArrayList<>();
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (JavaProcess p : processes) {
      System.out.println("--- output of " + p + " ---\n" + p.output());
      p.close();
    }
  }

  @Test
  void aSecondRunWithAnotherArgument_isServedByTheLstmOfTheFirst_withinItsFirstMinute() throws Exception {
    JavaProcess shadow = shadow();
    JavaProcess first = primary("first", 900);
    String target = "cpu.process@" + LEAD_SECONDS + "x1s";
    Pattern won = Pattern.compile("model=(\\w+)/" + Pattern.quote(target) + " version=\\S+ trained .*evidence: lstm leads");
    shadow.awaitOutput(won.pattern(), LEARN);
    Matcher m = won.matcher(shadow.output());
    assertThat(m.find()).isTrue();
    String firstWorkload = m.group(1);
    Set<String> before = decisions().stream().map(Decision::getPrimaryId).collect(Collectors.toSet());
    first.close();

    long started = System.currentTimeMillis();
    primary("second", 901); // another argument: another workload hash, the same main class and flags
    Decision decision = awaitDecision(d -> !before.contains(d.getPrimaryId()) && d.getResource().equals("cpu")
        && d.getModel().equals("lstm"), started + FIRST_MINUTE.toMillis());

    System.out.println("first decision by the LSTM " + (decision.getTimeUnixMs() - started)
        + " ms after the second run started: " + decision.getReason());
    assertThat(decision.getTimeUnixMs() - started).isLessThanOrEqualTo(FIRST_MINUTE.toMillis());
    Forecast forecast = ForecastServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .getForecast(GetForecastRequest.newBuilder().setPrimaryId(decision.getPrimaryId()).setSeries("cpu.process")
            .setHorizon(Horizon.newBuilder().setSteps(LEAD_SECONDS)
                .setStep(com.google.protobuf.Duration.newBuilder().setSeconds(1))).build());
    assertThat(forecast.getModel()).isEqualTo("lstm");
    assertThat(forecast.getSelectionReason()).contains("carried evidence").contains("workload " + firstWorkload)
        .contains("other arguments");
  }

  private JavaProcess shadow() throws Exception {
    int port = FreePort.pick();
    JavaProcess shadow = JavaProcess.start("shadow", JavaProcess.java17Home(), List.of("-Xmx768m", "-jar",
        JavaProcess.shadowJar().toString(), "serve", "--port", String.valueOf(port), "--http-port", "0", "--data",
        work.resolve("data").toString(), "--manage", "recommend", "--allocator", "log"),
        Map.of("UMBRA_MANAGE_EVERY", "1s", "UMBRA_MANAGE_LEAD", LEAD_SECONDS + "s",
            "UMBRA_FORECAST_CHECK_EVERY", "5s", "UMBRA_FORECAST_TRAIN_EVERY", "15s", "UMBRA_FORECAST_MIN_BLOCKS", "20",
            "OMP_NUM_THREADS", "1"), work);
    processes.add(shadow);
    shadow.awaitOutput("shadow listening on", START);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .intercept(new ShadowCredentials(work.resolve("data")).asTestClient()).build();
    this.port = port;
    return shadow;
  }

  private int port;

  /** {@code SpikeWorkload steady 0 0}: light, uneven CPU; {@code steady} is the argument that differs. */
  private JavaProcess primary(String name, int steadySeconds) throws Exception {
    JavaProcess primary = JavaProcess.start(name, JavaProcess.java17Home(), List.of("-Xmx128m", "-XX:+UseG1GC",
        "-javaagent:" + JavaProcess.agentJar() + "=shadow=127.0.0.1:" + port + ","
            + new ShadowCredentials(work.resolve("data")).agentOption(),
        "-cp", JavaProcess.testClasses().toString(), "dev.umbra.it.primaries.SpikeWorkload",
        String.valueOf(steadySeconds), "0", "0"), Map.of(), work);
    processes.add(primary);
    primary.awaitOutput("phase steady", START);
    return primary;
  }

  private List<Decision> decisions() {
    try {
      return ControlServiceGrpc.newBlockingStub(channel).withWaitForReady().withDeadlineAfter(30, TimeUnit.SECONDS)
          .listDecisions(ListDecisionsRequest.newBuilder().setLimit(500).build()).getDecisionsList();
    } catch (StatusRuntimeException e) {
      System.out.println("listDecisions: " + e.getStatus()); // a loaded machine: asked again
      return List.of();
    }
  }

  private Decision awaitDecision(java.util.function.Predicate<Decision> wanted, long deadlineMillis)
      throws InterruptedException {
    List<Decision> seen = List.of();
    while (System.currentTimeMillis() < deadlineMillis + 5_000) {
      seen = decisions();
      Optional<Decision> found = seen.stream().filter(wanted).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no decision by the LSTM within the second run's first minute; newest: "
        + seen.stream().limit(6).map(d -> d.getPrimaryId() + " " + d.getResource() + " " + d.getModel() + ": "
            + d.getReason()).toList());
  }
}
