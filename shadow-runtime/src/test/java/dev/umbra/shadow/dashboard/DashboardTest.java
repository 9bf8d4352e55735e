package dev.umbra.shadow.dashboard;

import dev.umbra.shadow.anomaly.TestAnomaly;
import dev.umbra.shadow.anomaly.Kind;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.ClassBytes;
import dev.umbra.proto.v1.ClassProfile;
import dev.umbra.proto.v1.Event;
import dev.umbra.proto.v1.OldObjectSample;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.JvmInfo;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryBatch;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import dev.umbra.shadow.manager.Decision;
import dev.umbra.shadow.Shadow;
import dev.umbra.shadow.config.ShadowConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard of a real in-process shadow on real ports: the page, the JSON and its errors, the
 * event stream with grid seconds, forecasts, anomalies and decisions, and streams that end.
 */
class DashboardTest {
  private static final String PRIMARY = "host/4242/1764310000000";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path data;
  private Shadow shadow;
  private ManagedChannel channel;
  private StreamObserver<AgentMessage> agent;
  private final AtomicLong sequence = new AtomicLong();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    shadow = Shadow.start(ShadowConfig.of(
        new ShadowConfig.Endpoint("127.0.0.1", 0), new ShadowConfig.Endpoint("127.0.0.1", 0), data), Clock.systemUTC());
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", shadow.grpcAddress().getPort()).usePlaintext()
        .intercept(dev.umbra.shadow.auth.TestTokens.fromDataFolder(data)).build();
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.onCompleted();
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    shadow.close();
  }

  @Test
  void servesThePage_andRedirectsTheRoot() throws Exception {
    HttpResponse<String> root = get("/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).contains("/dashboard/");
    HttpResponse<String> page = get("/dashboard/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<svg id=\"chart\"", "app.js");
    assertThat(get("/dashboard/app.js").body()).contains("new EventSource('/api/events'");
    assertThat(get("/dashboard/missing.js").statusCode()).isEqualTo(404);
    assertThat(get("/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void answersBadRequests_withAClearError_andKeepsServing() throws Exception {
    connectAgent();
    assertError(get("/api/series?series=cpu.process"), 400, "parameter 'primary' is required");
    assertError(get("/api/series?primary=nobody&series=cpu.process"), 404, "no primary nobody");
    assertError(get("/api/series?primary=" + PRIMARY + "&series=cpu.bogus"), 400, "series 'cpu.bogus' is not one of");
    assertError(get("/api/series?primary=" + PRIMARY + "&series=cpu.process&seconds=0"), 400, "parameter 'seconds': 0 is not in 1..3600");
    assertError(get("/api/series?primary=" + PRIMARY + "&series=cpu.process&seconds=x"), 400, "'x' is not an integer");
    assertError(get("/api/forecast?primary=" + PRIMARY + "&series=cpu.process&horizon=60"), 400, "parameter 'horizon'");
    assertError(get("/api/anomalies?primary=nobody"), 404, "no primary nobody");
    assertError(get("/api/events?series=cpu.process"), 400, "parameter 'series' needs 'primary'");
    assertError(get("/api/nothing"), 404, "no such path /api/nothing");
    HttpResponse<String> post = http.send(request("/api/primaries").POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertError(post, 405, "POST is not allowed here; use GET");
    assertThat(get("/api/primaries").statusCode()).isEqualTo(200);
    assertThat(get("/healthz").body()).isEqualTo("ok\n");
  }

  @Test
  void servesSeriesAndForecast_andStreamsNewSecondsAndForecasts() throws Exception {
    connectAgent();
    long now = System.currentTimeMillis();
    sendSecondsOfCpu(now - 40_000, 40);
    await("40 s of cpu.process in the store", () -> json("/api/series?primary=" + PRIMARY + "&series=cpu.process&seconds=60")
        .getAsJsonArray("values").asList().stream().filter(v -> !v.isJsonNull()).count() >= 39);

    JsonObject series = json("/api/series?primary=" + PRIMARY + "&series=cpu.process&seconds=60");
    assertThat(series.get("unit").getAsString()).isEqualTo("cores");
    assertThat(series.getAsJsonObject("allocation").get("initial").getAsDouble()).isEqualTo(1.5);
    assertThat(series.getAsJsonObject("allocation").get("source").getAsString()).isEqualTo("container limit");
    JsonObject forecast = json("/api/forecast?primary=" + PRIMARY + "&series=cpu.process");
    assertThat(forecast.getAsJsonArray("steps")).hasSize(60);
    assertThat(forecast.getAsJsonArray("levels")).hasSize(5);
    assertThat(json("/api/primaries").getAsJsonArray("primaries").get(0).getAsJsonObject().get("id").getAsString())
        .isEqualTo(PRIMARY);

    try (EventStream events = EventStream.open(http, uri("/api/events?primary=" + PRIMARY + "&series=cpu.process"))) {
      CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> feedLiveSeconds(20));
      assertThat(events.next("primaries")).contains(PRIMARY);
      assertThat(events.next("grid")).contains("\"cpu.process\"");
      assertThat(events.next("forecast")).contains("\"steps\"");
      feeding.cancel(true);
    }
  }

  @Test
  void servesAPrimarysTopClassesOverTime_withTheirGrowth() throws Exception {
    connectAgent();
    assertThat(json("/api/heap?primary=" + PRIMARY).getAsJsonArray("snapshots")).isEmpty();
    long t = System.currentTimeMillis() - 120_000;
    agent.onNext(AgentMessage.newBuilder().setBatch(TelemetryBatch.newBuilder().setSequence(sequence.incrementAndGet())
        .addEvents(histogram(t, 10 << 20, 100_000)).addEvents(histogram(t + 60_000, 58 << 20, 1_300_000))
        .addEvents(Event.newBuilder().setTimeUnixMs(t + 60_000).setOldObject(OldObjectSample.newBuilder()
            .setClassName("com.example.Cache$Entry").addAllocationFrames("com.example.Cache.put:42")))).build());
    await("two histograms", () -> json("/api/heap?primary=" + PRIMARY).getAsJsonArray("snapshots").size() == 2);

    JsonObject heap = json("/api/heap?primary=" + PRIMARY + "&classes=1");
    assertThat(heap.getAsJsonArray("snapshots").get(1).getAsJsonObject().getAsJsonArray("classes")).singleElement()
        .satisfies(c -> assertThat(c.getAsJsonObject().get("name").getAsString()).isEqualTo("com.example.Cache$Entry"));
    JsonObject growth = heap.getAsJsonArray("growth").get(0).getAsJsonObject();
    assertThat(growth.get("bytesGrowth").getAsLong()).isEqualTo(48L << 20);
    assertThat(growth.get("instancesGrowth").getAsLong()).isEqualTo(1_200_000);
    assertThat(heap.getAsJsonArray("oldObjects").get(0).getAsJsonObject().get("site").getAsString())
        .isEqualTo("com.example.Cache.put:42");
    assertThat(json("/api/heap?primary=" + PRIMARY + "&snapshots=1").getAsJsonArray("growth")).isEmpty();
    assertError(get("/api/heap?primary=nobody"), 404, "no primary nobody");
    assertError(get("/api/heap?primary=" + PRIMARY + "&classes=31"), 400, "parameter 'classes': 31 is not in 1..30");
    assertThat(get("/dashboard/app.js").body()).contains("'/api/heap?'");
  }

  private static Event histogram(long timeMillis, long entryBytes, long entries) {
    return Event.newBuilder().setTimeUnixMs(timeMillis).setClassHistogram(ClassProfile.newBuilder()
        .addClasses(ClassBytes.newBuilder().setClassName("com.example.Cache$Entry").setBytes(entryBytes).setCount(entries))
        .addClasses(ClassBytes.newBuilder().setClassName("[B").setBytes(40 << 20).setCount(900))).build();
  }

  @Test
  void streamsTheDetectorsFirstAnomaly_ofAPrimaryThatHadNoneWhenThePageOpened() throws Exception {
    connectAgent();
    sendSecondsOfCpu(System.currentTimeMillis() - 10_000, 10);
    await("the primary's first seconds", () -> get("/api/series?primary=" + PRIMARY + "&series=cpu.process").statusCode() == 200);
    try (EventStream events = EventStream.open(http, uri("/api/events?primary=" + PRIMARY))) {
      await("the stream to be open", () -> shadow.dashboard().clients() == 1);
      Thread.sleep(2_500); // a few dashboard ticks with no anomaly for the followed primary
      long t = System.currentTimeMillis();
      // as the detector does: into the anomaly log, not through Dashboard.anomaly
      shadow.anomalies().publish(TestAnomaly.newBuilder().setId("an-log-1").setPrimaryId(PRIMARY).setSeries("mem.rss")
          .setKind(Kind.LEVEL_SHIFT).setOnsetUnixMs(t - 2000).setDetectedUnixMs(t).setScore(0.6)
          .setObserved(4.1e8).setExpectedLow(2.6e8).setExpectedHigh(2.7e8).setExplanation("mem.rss shifted up").build());
      assertThat(events.next("anomaly")).contains("\"id\":\"an-log-1\"", "\"kind\":\"level-shift\"");
    }
  }

  @Test
  void showsPublishedAnomaliesAndDecisions_inTheListsAndTheStream() throws Exception {
    connectAgent();
    sendSecondsOfCpu(System.currentTimeMillis() - 10_000, 10);
    await("the primary's first seconds", () -> get("/api/series?primary=" + PRIMARY + "&series=cpu.process").statusCode() == 200);
    try (EventStream events = EventStream.open(http, uri("/api/events?primary=" + PRIMARY))) {
      await("the stream to be open", () -> shadow.dashboard().clients() == 1);
      long t = System.currentTimeMillis();
      shadow.dashboard().anomaly(TestAnomaly.newBuilder().setId("an-1").setPrimaryId(PRIMARY).setSeries("cpu.process")
          .setKind(Kind.SPIKE).setOnsetUnixMs(t - 2000).setDetectedUnixMs(t).setScore(0.97)
          .setObserved(1.9).setExpectedLow(0.1).setExpectedHigh(0.4).setExplanation("cpu.process 1.9 cores over p99 0.4").build());
      shadow.dashboard().decision(new Decision(1, PRIMARY, Decision.Resource.CPU, Instant.ofEpochMilli(t),
          Decision.Action.SCALE_UP, 1.5, 2.5, 2.1, 0.8, 1.2, "log", true, "pid 4242", "lstm", "p90 peak 2.1 > 1.5"));
      assertThat(events.next("anomaly")).contains("\"id\":\"an-1\"", "\"kind\":\"spike\"");
      assertThat(events.next("decision")).contains("\"id\":\"1\"", "\"resource\":\"cpu\"", "\"action\":\"scale-up\"");
    }
    JsonObject anomalies = json("/api/anomalies?primary=" + PRIMARY);
    assertThat(anomalies.getAsJsonArray("anomalies")).hasSize(1);
    assertThat(json("/api/anomalies?primary=" + PRIMARY).toString()).contains("cpu.process 1.9 cores over p99 0.4");
    assertThat(json("/api/decisions").getAsJsonArray("decisions")).hasSize(1);
    JsonObject allocation = json("/api/series?primary=" + PRIMARY + "&series=cpu.process").getAsJsonObject("allocation");
    assertThat(allocation.get("source").getAsString()).isEqualTo("resource manager");
    assertThat(allocation.getAsJsonArray("steps").get(0).getAsJsonArray().get(1).getAsDouble()).isEqualTo(2.5);
  }

  @Test
  void forgetsAStream_whenItsBrowserLeaves() throws Exception {
    connectAgent();
    CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> feedLiveSeconds(90));
    try {
      EventStream events = EventStream.open(http, uri("/api/events?primary=" + PRIMARY + "&series=cpu.process"));
      assertThat(events.next("grid")).contains(PRIMARY);
      assertThat(shadow.dashboard().clients()).isEqualTo(1);
      events.close();
      await("the shadow to notice the stream is gone", () -> shadow.dashboard().clients() == 0);
    } finally {
      feeding.cancel(true);
    }
  }

  // ---- helpers ----

  private void connectAgent() throws Exception {
    LinkedBlockingQueue<ShadowCommand> commands = new LinkedBlockingQueue<>();
    agent = TelemetryServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
      @Override
      public void onNext(ShadowCommand c) {
        commands.add(c);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    agent.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setPrimaryId(PRIMARY).setWorkload("wl-1")
        .setWorkloadName("com.example.Main").setHost("host").setPid(4242).setAgentVersion("test")
        .setJvm(JvmInfo.newBuilder().setJavaVersion("17.0.9").setAvailableProcessors(4).setContainerCpuLimitCores(1.5)
            .setMaxHeapBytes(256L << 20)))
        .build());
    await("the primary to connect", () -> shadow.ingest().sessions().get(PRIMARY).isPresent());
  }

  private synchronized void sendSecondsOfCpu(long fromMillis, int seconds) {
    SeriesData.Builder cpu = SeriesData.newBuilder().setName("cpu.process");
    for (int i = 0; i < seconds; i++) {
      cpu.addTimeUnixMs(fromMillis + i * 1000L).addValues(0.2 + 0.1 * Math.sin(i / 3.0));
    }
    agent.onNext(AgentMessage.newBuilder()
        .setBatch(TelemetryBatch.newBuilder().setSequence(sequence.incrementAndGet()).addSeries(cpu)).build());
  }

  private void feedLiveSeconds(int seconds) {
    try {
      for (int i = 0; i < seconds && !Thread.currentThread().isInterrupted(); i++) {
        sendSecondsOfCpu(System.currentTimeMillis(), 1);
        Thread.sleep(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + shadow.httpAddress().getPort() + path);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject json(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(path + " answered " + response.body()).isEqualTo(200);
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static void assertError(HttpResponse<String> response, int status, String message) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString()).contains(message);
  }

  interface Check {
    boolean holds() throws Exception;
  }

  private static void await(String what, Check check) throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    while (!check.holds()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** An open {@code text/event-stream} read line by line on the caller's thread. */
  static final class EventStream implements AutoCloseable {
    private final Stream<String> lines;
    private final Iterator<String> it;

    private EventStream(Stream<String> lines) {
      this.lines = lines;
      this.it = lines.iterator();
    }

    static EventStream open(HttpClient http, URI uri) throws IOException, InterruptedException {
      HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
          HttpResponse.BodyHandlers.ofLines());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
      return new EventStream(response.body());
    }

    /** The data of the next event called {@code name}, skipping others; fails after a minute. */
    String next(String name) throws Exception {
      CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
        String event = "";
        while (it.hasNext()) {
          String line = it.next();
          if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ") && event.equals(name)) {
            return line.substring(6);
          }
        }
        throw new AssertionError("the stream ended before a '" + name + "' event");
      });
      return found.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      lines.close();
    }
  }
}
