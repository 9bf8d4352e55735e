package dev.umbra.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.shadow.ShadowProcess;
import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.Forecast;
import dev.umbra.proto.v1.ForecastServiceGrpc;
import dev.umbra.proto.v1.GetForecastRequest;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.GetSeriesResponse;
import dev.umbra.proto.v1.ModelArtifact;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet end to end with a real KRaft broker: three node shadows ({@code umbra serve --kafka})
 * and one trainer ({@code umbra train}) as processes, simulated agents spread across the shadows.
 * In order: a model trained on runs of workload W seen on shadows A and B is used for a new run
 * of W on shadow C; shadow A is killed and its primaries move to B, which refills their recent
 * windows from Kafka; Kafka is down for 60 s, the shadows keep forecasting and acknowledging,
 * then publish what they buffered, and C (a 4 KiB buffer) reports what it had to drop.
 */
class FleetIT {
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final String W = "fleet-w";
  private static final String V = "fleet-v";

  @TempDir Path work;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<FleetPrimary> primaries = new ArrayList<>();
  private final List<ShadowProcess> shadows = new ArrayList<>();
  private KafkaBroker kafka;
  private JavaProcess trainer;

  @RegisterExtension
  final AfterTestExecutionCallback printOnFailure = context -> {
    if (context.getExecutionException().isPresent()) {
      shadows.forEach(s -> System.out.println(s.output()));
      if (trainer != null) {
        System.out.println("--- trainer ---\n" + trainer.output());
      }
      if (kafka != null) {
        System.out.println(kafka.output());
      }
    }
  };

  @AfterEach
  void stop() throws Exception {
    primaries.forEach(FleetPrimary::close);
    scheduler.shutdownNow();
    for (ShadowProcess s : shadows) {
      s.close();
    }
    if (trainer != null) {
      trainer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void trainsFleetWide_failsOverWithoutColdStart_andRidesOutAKafkaOutage() throws Exception {
    kafka = KafkaBroker.start(work.resolve("kafka"));
    FleetKafka topics = new FleetKafka(kafka.bootstrap());
    int trainerHttp = FreePort.pick();
    trainer = JavaProcess.start("trainer", JavaProcess.java17Home(), List.of("-Xmx768m", "-XX:+UseSerialGC",
            "-jar", JavaProcess.shadowJar().toString(), "train", "--kafka", kafka.bootstrap(), "--id", "trainer-1",
            "--train-every", "10s", "--min-history", "60s", "--window", "30m", "--partitions", "3",
            "--replication", "1", "--http-port", String.valueOf(trainerHttp)),
        Map.of("OMP_NUM_THREADS", "1"), work.resolve("trainer"));
    trainer.awaitOutput("trainer trainer-1 ready", WAIT);

    // one after the other: three JVMs starting at once on a loaded 2-core box time out health checks
    ShadowProcess a = shadow("shadow-a", "64m");
    ShadowProcess b = shadow("shadow-b", "64m");
    ShadowProcess c = shadow("shadow-c", "4k");

    // 1. runs of W on A and B, a run of V on A: the trainer learns W from both shadows
    FleetPrimary w1 = primary("w-run-1", W, a);
    FleetPrimary w2 = primary("w-run-2", W, b);
    FleetPrimary v1 = primary("v-run-1", V, a);
    ModelArtifact model = await("a model of " + W + " trained on shadows A and B", () -> topics.newestModel(W)
        .filter(m -> m.getShadowsList().containsAll(List.of("shadow-a", "shadow-b")))
        .orElse(null));
    assertThat(model.getRuns()).isGreaterThanOrEqualTo(2);
    System.out.printf("model of %s: v%d, %d runs, shadows %s, %d bytes%n", W, model.getVersion(), model.getRuns(),
        model.getShadowsList(), model.getSerializedSize());

    // 2. a new run of W on C forecasts with the fleet's model
    FleetPrimary w3 = primary("w-run-3", W, c);
    Forecast onC = await("C to forecast the new run with the fleet model", () -> {
      Optional<Forecast> f = forecast(c, w3.primaryId());
      return f.filter(x -> x.getModel().equals("lstm")).orElse(null);
    });
    assertThat(onC.getModelVersion()).startsWith("lstm-v");
    assertThat(onC.getFallback()).isFalse();
    assertThat(metric(c, "umbra_fleet_model_switches_total", "")).isGreaterThanOrEqualTo(1);
    System.out.println("C forecasts w-run-3 with " + onC.getModelVersion());

    // 3. A dies; its primaries move to B, which refills their windows from Kafka
    a.kill();
    TreeMap<Long, Double> acknowledged = topics.series(v1.primaryId(), "cpu.process");
    assertThat(acknowledged).hasSizeGreaterThan(30);
    v1.moveTo(b.channel());
    w1.moveTo(b.channel());
    long movedAt = System.currentTimeMillis() / 1000;
    await("B to hold every second of v-run-1 that Kafka acknowledged", () -> {
      TreeMap<Long, Double> onB = series(b, v1.primaryId(), acknowledged.firstKey());
      return onB.entrySet().containsAll(acknowledged.entrySet()) ? onB : null;
    });
    assertThat(forecast(b, v1.primaryId())).as("a forecast of the moved primary").isPresent();
    await("B to have v-run-1 beyond the move", () -> {
      TreeMap<Long, Double> onB = series(b, v1.primaryId(), acknowledged.firstKey());
      return onB.lastKey() > movedAt + 3 ? onB : null;
    });
    TreeMap<Long, Double> onB = series(b, v1.primaryId(), acknowledged.firstKey());
    System.out.printf("failover: %d s of v-run-1 from Kafka, longest hole on B %d s (forecasts bridge 5 s)%n",
        acknowledged.size(), longestHole(onB, onB.firstKey(), movedAt));

    // 4. Kafka is down for 60 s: B and C go on forecasting and acknowledging, then publish
    kafka.kill();
    long downAt = System.currentTimeMillis() / 1000;
    long ackBefore = w2.highestAcknowledged();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      assertThat(forecast(b, w2.primaryId())).as("B forecasts while Kafka is down").isPresent();
      assertThat(forecast(c, w3.primaryId())).as("C forecasts while Kafka is down").isPresent();
      Thread.sleep(10_000);
    }
    assertThat(w2.highestAcknowledged()).as("B acknowledges while Kafka is down").isGreaterThan(ackBefore + 30);
    assertThat(metric(b, "umbra_fleet_buffered_bytes", "")).isPositive();
    assertThat(metric(b, "umbra_fleet_kafka_up", "")).isZero();
    kafka.restart();
    long upAt = System.currentTimeMillis() / 1000;
    for (ShadowProcess s : List.of(b, c)) {
      await("the outbox of " + s + " to drain", () -> metric(s, "umbra_fleet_buffered_bytes", "") == 0
          && metric(s, "umbra_fleet_kafka_up", "") == 1 ? Boolean.TRUE : null);
    }
    TreeMap<Long, Double> w2InKafka = topics.series(w2.primaryId(), "cpu.process");
    assertThat(longestHole(w2InKafka, downAt - 10, upAt - 5))
        .as("seconds of w-run-2 missing in Kafka around the outage (B's buffer is 64 MiB)").isZero();
    assertThat(metric(b, "umbra_fleet_dropped_points_total", "buffer-full")).isZero();
    double droppedOnC = metric(c, "umbra_fleet_dropped_points_total", "buffer-full");
    assertThat(droppedOnC).as("C's 4 KiB buffer cannot hold 60 s").isPositive();
    TreeMap<Long, Double> w3InKafka = topics.series(w3.primaryId(), "cpu.process");
    assertThat(w3InKafka.subMap(upAt - 15, upAt - 5)).as("C kept the newest seconds of the outage").hasSize(10);
    System.out.printf("outage %d s: B published everything it buffered; C dropped %.0f points (oldest first)%n",
        upAt - downAt, droppedOnC);
  }

  private ShadowProcess shadow(String id, String buffer) throws IOException, InterruptedException {
    ShadowProcess s = ShadowProcess.start(work.resolve(id), List.of("-Xmx768m", "-XX:+UseSerialGC"),
        List.of("--kafka", kafka.bootstrap(), "--fleet-id", id, "--kafka-buffer", buffer, "--kafka-batch", "2s"));
    shadows.add(s);
    return s;
  }

  private FleetPrimary primary(String id, String workload, ShadowProcess shadow) {
    FleetPrimary p = FleetPrimary.start(id, workload, shadow.channel(), scheduler);
    primaries.add(p);
    return p;
  }

  private static Optional<Forecast> forecast(ShadowProcess shadow, String primaryId) {
    try {
      return Optional.of(ForecastServiceGrpc.newBlockingStub(shadow.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
          .getForecast(GetForecastRequest.newBuilder().setPrimaryId(primaryId).setSeries("cpu.process").build()));
    } catch (io.grpc.StatusRuntimeException e) {
      return Optional.empty();
    }
  }

  private static TreeMap<Long, Double> series(ShadowProcess shadow, String primaryId, long fromSecond) {
    GetSeriesResponse r = shadow.control().getSeries(GetSeriesRequest.newBuilder().setPrimaryId(primaryId)
        .setSeries("cpu.process").setSinceUnixMs(fromSecond * 1000).setLimit(3600).build());
    TreeMap<Long, Double> out = new TreeMap<>();
    for (int i = 0; i < r.getTimeUnixMsCount(); i++) {
      out.put(r.getTimeUnixMs(i) / 1000, r.getValues(i));
    }
    return out;
  }

  /** The longest run of missing seconds in [from, to]. */
  private static long longestHole(TreeMap<Long, Double> values, long from, long to) {
    long longest = 0;
    long run = 0;
    for (long s = from; s <= to; s++) {
      run = values.containsKey(s) ? 0 : run + 1;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  /**
   * The sum of a metric's samples on the shadow's /metrics; {@code reason} keeps only samples
   * with that label when not empty.
   */
  private double metric(ShadowProcess shadow, String name, String reason) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + shadow.httpPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE).matcher(r.body());
    double sum = 0;
    while (m.find()) {
      if (reason.isEmpty() || (m.group(1) != null && m.group(1).contains("reason=\"" + reason + "\""))) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  private interface Probe<T> {
    T get() throws Exception;
  }

  /** Polls {@code probe} every second until it returns non-null; fails after {@link #WAIT}. */
  private static <T> T await(String what, Probe<T> probe) throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    Exception last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("timed out after " + WAIT + " waiting for " + what, last);
  }
}
