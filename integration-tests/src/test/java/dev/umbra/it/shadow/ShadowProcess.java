package dev.umbra.it.shadow;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.ShadowCredentials;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.Primary;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code umbra serve} process on free loopback ports with its own data folder, and what
 * tests need to talk to it: a channel, the control API, health and {@code /metrics}. It can be
 * killed (SIGKILL) and started again on the same ports and data.
 */
public final class ShadowProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path work;
  private final Path data;
  private final List<String> jvmArgs;
  private final List<String> serveArgs;
  private final int grpcPort = FreePort.pick();
  private final int httpPort = FreePort.pick();
  private final List<JavaProcess> runs = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ManagedChannel channel;

  private ShadowProcess(Path work, List<String> jvmArgs, List<String> serveArgs) {
    this.work = work;
    this.data = work.resolve("data");
    this.jvmArgs = List.copyOf(jvmArgs);
    this.serveArgs = List.copyOf(serveArgs);
  }

  /** Starts a shadow and waits until it listens. */
  public static ShadowProcess start(Path work, String... jvmArgs) throws IOException, InterruptedException {
    return start(work, List.of(jvmArgs), List.of());
  }

  /** Starts a shadow with extra {@code umbra serve} options (e.g. {@code --kafka}) and waits until it listens. */
  public static ShadowProcess start(Path work, List<String> jvmArgs, List<String> serveArgs)
      throws IOException, InterruptedException {
    ShadowProcess shadow = new ShadowProcess(work, jvmArgs, serveArgs);
    try {
      shadow.startProcess();
      shadow.health(); // connects the channel and loads gRPC in the test JVM before primaries start
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      shadow.close(); // the caller never gets it to close: no shadow left running after a failed start
      throw e;
    }
    return shadow;
  }

  private void startProcess() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(jvmArgs);
    command.addAll(
        List.of(
            "-jar", JavaProcess.shadowJar().toString(), "serve",
            "--port", String.valueOf(grpcPort),
            "--http-port", String.valueOf(httpPort),
            "--data", data.toString()));
    command.addAll(serveArgs);
    JavaProcess process =
        JavaProcess.start("shadow-" + (runs.size() + 1), JavaProcess.java17Home(), command, Map.of(), work);
    runs.add(process);
    process.awaitOutput("shadow listening on 127\\.0\\.0\\.1:" + grpcPort, START_TIMEOUT);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    current().kill();
  }

  /** Starts the shadow again on the same ports and data folder (kills it first if it runs). */
  void restart() throws IOException, InterruptedException {
    if (current().isAlive()) {
      current().kill();
    }
    startProcess();
    if (channel != null) {
      channel.resetConnectBackoff();
    }
  }

  public JavaProcess current() {
    return runs.get(runs.size() - 1);
  }

  long pid() {
    return current().pid();
  }

  public int grpcPort() {
    return grpcPort;
  }

  /** The HTTP port: /metrics, /healthz and the dashboard. */
  public int httpPort() {
    return httpPort;
  }

  Path data() {
    return data;
  }

  /** One channel to the shadow, shared by the test's clients; it reconnects after a restart. */
  public synchronized ManagedChannel channel() {
    if (channel == null) {
      channel = newChannel();
    }
    return channel;
  }

  /** A channel that sends the agent's token on TelemetryService calls, the operator's on others. */
  ManagedChannel newChannel() {
    return ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext()
        .intercept(credentials().asTestClient()).build();
  }

  /** The credential files this shadow made in its data folder. */
  public ShadowCredentials credentials() {
    return new ShadowCredentials(data);
  }

  /** Agent options that reach this shadow with its agent credential: {@code shadow=…,token.file=…}. */
  public String agentOptions() {
    return "shadow=127.0.0.1:" + grpcPort + "," + credentials().agentOption();
  }

  /** A control stub with a fresh 30 s deadline. */
  public ControlServiceGrpc.ControlServiceBlockingStub control() {
    return ControlServiceGrpc.newBlockingStub(channel()).withWaitForReady().withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public List<Primary> primaries(boolean includeGone) {
    return control().listPrimaries(ListPrimariesRequest.newBuilder().setIncludeGone(includeGone).build())
        .getPrimariesList();
  }

  Primary primary(String primaryId) {
    return primaries(true).stream()
        .filter(p -> p.getPrimaryId().equals(primaryId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the shadow does not list " + primaryId));
  }

  ServingStatus health() {
    return HealthGrpc.newBlockingStub(channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  /** Scrapes {@code /metrics} with a plain HTTP GET. */
  Metrics metrics() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode() + ": " + response.body());
    }
    return Metrics.parse(response.body());
  }

  /** Everything every run of the shadow printed, for failure messages. */
  public String output() {
    StringBuilder sb = new StringBuilder();
    for (JavaProcess run : runs) {
      sb.append("--- output of ").append(run).append(" ---\n").append(run.output()).append('\n');
    }
    return sb.toString();
  }

  /** Closes the channel and stops every run of the shadow (SIGTERM, then SIGKILL after 5 s). */
  @Override
  public void close() {
    try {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      for (JavaProcess run : runs) {
        run.close();
      }
    } catch (InterruptedException e) {
      runs.forEach(run -> run.process().destroyForcibly());
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One scrape of {@code /metrics} in the Prometheus text format: samples by their printed name
   * and labels, e.g. {@code umbra_ingest_rejected_points_total{reason="future"}}.
   */
  record Metrics(Map<String, Map<Map<String, String>, Double>> samples) {
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Metrics parse(String text) {
      Map<String, Map<Map<String, String>, Double>> samples = new HashMap<>();
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        String name;
        Map<String, String> labels = new TreeMap<>();
        if (brace >= 0 && brace < space) {
          name = line.substring(0, brace);
          Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
          while (m.find()) {
            labels.put(m.group(1), m.group(2));
          }
        } else {
          name = line.substring(0, space);
        }
        double value = Double.parseDouble(line.substring(space + 1).trim());
        samples.computeIfAbsent(name, k -> new HashMap<>()).put(Map.copyOf(labels), value);
      }
      return new Metrics(samples);
    }

    /** The sum over every label set of {@code name}; 0 when absent. */
    double sum(String name) {
      return samples.getOrDefault(name, Map.of()).values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The sample of {@code name} with exactly one label {@code label=value}; 0 when absent. */
    double value(String name, String label, String value) {
      return samples.getOrDefault(name, Map.of()).getOrDefault(Map.of(label, value), 0.0);
    }

    /** Cumulative bucket counts of a classic histogram, by upper bound (+Inf last). */
    TreeMap<Double, Double> buckets(String histogram) {
      TreeMap<Double, Double> buckets = new TreeMap<>();
      samples.getOrDefault(histogram + "_bucket", Map.of()).forEach((labels, count) -> {
        String le = labels.get("le");
        if (le != null) {
          buckets.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), count, Double::sum);
        }
      });
      return buckets;
    }

    /**
     * The {@code q} quantile of the observations made between {@code before} and this scrape,
     * estimated from the classic buckets as Prometheus' histogram_quantile does: linear inside
     * the bucket it falls in.
     */
    Quantile quantileSince(Metrics before, String histogram, double q) {
      TreeMap<Double, Double> now = buckets(histogram);
      TreeMap<Double, Double> then = before == null ? new TreeMap<>() : before.buckets(histogram);
      double total = now.getOrDefault(Double.POSITIVE_INFINITY, 0.0) - then.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
      if (total <= 0) {
        return new Quantile(q, Double.NaN, 0, 0, 0);
      }
      double rank = q * total;
      double lower = 0;
      double countBelow = 0;
      for (Map.Entry<Double, Double> e : now.entrySet()) {
        double cumulative = e.getValue() - then.getOrDefault(e.getKey(), 0.0);
        if (cumulative >= rank) {
          double upper = e.getKey();
          double estimate =
              Double.isInfinite(upper)
                  ? lower
                  : lower + (upper - lower) * (rank - countBelow) / Math.max(1e-9, cumulative - countBelow);
          return new Quantile(q, estimate, lower, upper, (long) total);
        }
        lower = e.getKey();
        countBelow = cumulative;
      }
      return new Quantile(q, lower, lower, Double.POSITIVE_INFINITY, (long) total);
    }
  }

  /** A quantile estimate and the bucket it lies in. */
  record Quantile(double q, double estimate, double bucketLower, double bucketUpper, long observations) {
    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT, "p%.0f ≈ %.3f s (bucket %.3f..%s s, %d observations)", q * 100, estimate,
          bucketLower, Double.isInfinite(bucketUpper) ? "+Inf" : String.format(java.util.Locale.ROOT, "%.3f", bucketUpper),
          observations);
    }
  }

  /** /proc/<pid>: CPU time used and resident memory of a process (Linux). */
  static ProcStats procStats(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after "pid (comm) ": state is field 3, utime field 14, stime field 15 (1-based)
    long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    long rssKb = 0;
    long hwmKb = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rssKb = Long.parseLong(line.replaceAll("\\D", ""));
      } else if (line.startsWith("VmHWM:")) {
        hwmKb = Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return new ProcStats(ticks * 10, rssKb * 1024, hwmKb * 1024); // USER_HZ is 100 on Linux
  }

  record ProcStats(long cpuMillis, long rssBytes, long peakRssBytes) {}
}
