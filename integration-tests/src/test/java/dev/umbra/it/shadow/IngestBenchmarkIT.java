package dev.umbra.it.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.JavaProcess;
import dev.umbra.it.support.SimulatedPrimary;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest throughput benchmark (not a test; enabled with {@code -Dumbra.bench=true}): N
 * simulated primaries send large batches into one {@code umbra serve} as fast as gRPC flow
 * control allows, for a fixed time, repeated. Per repetition it measures, over the window after
 * a warm-up: points accepted per second (the shadow's {@code umbra_ingest_points_total}), the
 * p99 of {@code umbra_ingest_to_queryable_seconds} from its classic buckets, the shadow's CPU
 * (cores, from /proc/PID/stat) and RSS (/proc/PID/status), and the load generator's own CPU,
 * which shares the machine. With {@code -Dumbra.bench.jfr=true} one more repetition runs with a
 * JFR profile of the shadow and prints the hottest frames. Results go to stdout and
 * {@code target/bench/ingest.md}. Nothing is asserted but that the shadow took points.
 *
 * <p>Knobs: {@code umbra.bench.primaries} (8), {@code umbra.bench.points} points per series per
 * batch (1000, so 16 000 points a batch), {@code umbra.bench.seconds} (20),
 * {@code umbra.bench.warmup} (5), {@code umbra.bench.reps} (3), {@code umbra.bench.heap} (1g).
 */
@EnabledIfSystemProperty(named = "umbra.bench", matches = "true")
class IngestBenchmarkIT {
  private static final int PRIMARIES = Integer.getInteger("umbra.bench.primaries", 8);
  private static final int POINTS = Integer.getInteger("umbra.bench.points", 1000);
  private static final int SECONDS = Integer.getInteger("umbra.bench.seconds", 20);
  private static final int WARMUP = Integer.getInteger("umbra.bench.warmup", 5);
  private static final int REPS = Integer.getInteger("umbra.bench.reps", 3);
  private static final String HEAP = System.getProperty("umbra.bench.heap", "1g");
  private static final boolean JFR = Boolean.getBoolean("umbra.bench.jfr");

  @TempDir Path work;

  @Test
  void measuresIngestThroughput() throws Exception {
    List<String> report = new ArrayList<>();
    report.add(String.format(Locale.ROOT,
        "ingest benchmark %s: %d primaries, %d points/series/batch (%d points/batch), %d s warm-up + %d s"
            + " measured, %d reps, shadow -Xmx%s; %d CPUs, load average before: %s",
        Instant.now(), PRIMARIES, POINTS, POINTS * 16, WARMUP, SECONDS, REPS, HEAP,
        Runtime.getRuntime().availableProcessors(), loadAverage()));
    List<Rep> reps = new ArrayList<>();
    for (int r = 1; r <= REPS; r++) {
      Rep rep = runOnce("rep-" + r, false);
      reps.add(rep);
      report.add(rep.toString());
      System.out.println("IngestBenchmarkIT: " + rep);
    }
    report.add(summary(reps));
    if (JFR) {
      Rep profiled = runOnce("profiled", true);
      report.add("profiled (JFR, not in the summary): " + profiled);
      report.addAll(profile(work.resolve("profiled/shadow.jfr"), profiled.from, profiled.to));
    }
    report.add("load average after: " + loadAverage());
    String text = String.join("\n", report) + "\n";
    System.out.println(text);
    Path out = Path.of("target/bench/ingest.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, text, StandardCharsets.UTF_8);
    assertThat(reps).allSatisfy(r -> assertThat(r.pointsPerSecond).isPositive());
  }

  private Rep runOnce(String name, boolean profile) throws Exception {
    Path dir = work.resolve(name);
    List<String> jvm = new ArrayList<>(List.of("-Xmx" + HEAP, "-XX:+UseG1GC"));
    if (profile) {
      jvm.add("-XX:StartFlightRecording=name=bench,settings=profile");
    }
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    List<ManagedChannel> channels = new ArrayList<>();
    List<SimulatedPrimary> primaries = new ArrayList<>();
    try (ShadowProcess shadow = ShadowProcess.start(dir, jvm.toArray(String[]::new))) {
      for (int i = 0; i < PRIMARIES; i++) {
        ManagedChannel channel = shadow.newChannel();
        channels.add(channel);
        HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
      }
      for (int i = 0; i < PRIMARIES; i++) {
        primaries.add(
            SimulatedPrimary.start(SimulatedPrimary.Options.flood(name + "-" + i, POINTS), channels.get(i), scheduler));
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(WARMUP));
      ShadowProcess.Metrics m0 = shadow.metrics();
      ShadowProcess.ProcStats s0 = ShadowProcess.procStats(shadow.pid());
      ShadowProcess.ProcStats c0 = ShadowProcess.procStats(ProcessHandle.current().pid());
      long t0 = System.nanoTime();
      Instant from = Instant.now();
      Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS));
      Instant to = Instant.now();
      ShadowProcess.Metrics m1 = shadow.metrics();
      ShadowProcess.ProcStats s1 = ShadowProcess.procStats(shadow.pid());
      ShadowProcess.ProcStats c1 = ShadowProcess.procStats(ProcessHandle.current().pid());
      double elapsed = (System.nanoTime() - t0) / 1e9;
      primaries.forEach(SimulatedPrimary::close);
      if (profile) {
        dumpFlightRecording(shadow.pid(), dir.resolve("shadow.jfr"));
      }
      System.out.println("IngestBenchmarkIT " + name + " primaries: " + primaries);
      Map<String, Double> rejectedByReason = new java.util.TreeMap<>();
      m1.samples().getOrDefault("umbra_ingest_rejected_points_total", Map.of()).forEach((labels, v) ->
          rejectedByReason.put(labels.getOrDefault("reason", "?"),
              v - m0.samples().getOrDefault("umbra_ingest_rejected_points_total", Map.of()).getOrDefault(labels, 0.0)));
      return new Rep(
          name,
          from,
          to,
          (m1.sum("umbra_ingest_points_total") - m0.sum("umbra_ingest_points_total")) / elapsed,
          (m1.sum("umbra_ingest_batches_total") - m0.sum("umbra_ingest_batches_total")) / elapsed,
          (m1.sum("umbra_ingest_rejected_points_total") - m0.sum("umbra_ingest_rejected_points_total")) / elapsed,
          rejectedByReason,
          m1.quantileSince(m0, "umbra_ingest_to_queryable_seconds", 0.99),
          m1.quantileSince(m0, "umbra_store_write_seconds", 0.99),
          (s1.cpuMillis() - s0.cpuMillis()) / 1000.0 / elapsed,
          (c1.cpuMillis() - c0.cpuMillis()) / 1000.0 / elapsed,
          s1.rssBytes(),
          s1.peakRssBytes());
    } finally {
      primaries.forEach(SimulatedPrimary::close);
      scheduler.shutdownNow();
      for (ManagedChannel c : channels) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static void dumpFlightRecording(long pid, Path file) throws IOException, InterruptedException {
    Path jcmd = JavaProcess.java17Home().resolve("bin/jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "JFR.dump", "name=bench", "filename=" + file)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || !Files.exists(file)) {
      throw new IllegalStateException("jcmd JFR.dump failed: " + out);
    }
  }

  /** Hottest frames of the shadow's execution samples: on top of the stack, and anywhere in it. */
  private static List<String> profile(Path jfr, Instant from, Instant to) throws IOException {
    Map<String, Integer> top = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int samples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null
          || e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
        continue;
      }
      samples++;
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      if (!frames.isEmpty()) {
        top.merge(frameName(frames.get(0)), 1, Integer::sum);
      }
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : frames) {
        if (seen.add(frameName(f))) {
          inclusive.merge(frameName(f), 1, Integer::sum);
        }
      }
      String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
      threads.merge(thread == null ? "?" : thread.replaceAll("-\\d+$", "-N"), 1, Integer::sum);
    }
    List<String> lines = new ArrayList<>();
    lines.add("JFR execution samples of the shadow in the measured window: " + samples);
    lines.add("by thread:");
    appendTop(lines, threads, samples, 10);
    lines.add("top frames (self):");
    appendTop(lines, top, samples, 25);
    lines.add("frames anywhere on the stack (inclusive), dev.umbra/protobuf/grpc/duckdb only:");
    Map<String, Integer> ours = new HashMap<>();
    inclusive.forEach((k, v) -> {
      if (k.startsWith("dev.umbra") || k.startsWith("com.google.protobuf") || k.startsWith("io.grpc")
          || k.startsWith("org.duckdb")) {
        ours.put(k, v);
      }
    });
    appendTop(lines, ours, samples, 30);
    return lines;
  }

  private static void appendTop(List<String> lines, Map<String, Integer> counts, int total, int n) {
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(n)
        .forEach(e -> lines.add(String.format(Locale.ROOT, "  %5.1f%%  %s", 100.0 * e.getValue() / total, e.getKey())));
  }

  private static String frameName(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static String summary(List<Rep> reps) {
    return String.format(Locale.ROOT,
        "summary over %d reps: points/s accepted median %.0f (min %.0f, max %.0f), rejected median %.0f/s;"
            + " ingest-to-queryable p99 median %.3f s;"
            + " shadow CPU median %.2f cores -> %.0f points/s per shadow core; load generator CPU median %.2f cores;"
            + " shadow RSS max %d MiB (peak %d MiB)",
        reps.size(),
        median(reps, r -> r.pointsPerSecond), min(reps, r -> r.pointsPerSecond), max(reps, r -> r.pointsPerSecond),
        median(reps, r -> r.rejectedPerSecond),
        median(reps, r -> r.p99.estimate()),
        median(reps, r -> r.shadowCores),
        median(reps, r -> r.pointsPerSecond / Math.max(0.01, r.shadowCores)),
        median(reps, r -> r.clientCores),
        (long) max(reps, r -> r.rssBytes) >> 20,
        (long) max(reps, r -> r.peakRssBytes) >> 20);
  }

  private static double median(List<Rep> reps, java.util.function.ToDoubleFunction<Rep> f) {
    double[] v = reps.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double min(List<Rep> reps, java.util.function.ToDoubleFunction<Rep> f) {
    return reps.stream().mapToDouble(f).min().orElse(Double.NaN);
  }

  private static double max(List<Rep> reps, java.util.function.ToDoubleFunction<Rep> f) {
    return reps.stream().mapToDouble(f).max().orElse(Double.NaN);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  private record Rep(
      String name,
      Instant from,
      Instant to,
      double pointsPerSecond,
      double batchesPerSecond,
      double rejectedPerSecond,
      Map<String, Double> rejectedByReason,
      ShadowProcess.Quantile p99,
      ShadowProcess.Quantile storeWriteP99,
      double shadowCores,
      double clientCores,
      long rssBytes,
      long peakRssBytes) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "%s: %.0f points/s accepted (%.0f batches/s; %.0f points/s rejected %s), ingest-to-queryable %s, store write %s,"
              + " shadow CPU %.2f cores, load generator CPU %.2f cores, shadow RSS %d MiB (peak %d MiB)",
          name, pointsPerSecond, batchesPerSecond, rejectedPerSecond, rejectedByReason, p99, storeWriteP99, shadowCores, clientCores,
          rssBytes >> 20, peakRssBytes >> 20);
    }
  }
}
