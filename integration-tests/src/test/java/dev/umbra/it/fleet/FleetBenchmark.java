package dev.umbra.it.fleet;

import dev.umbra.it.shadow.ShadowProcess;
import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.SeriesBatch;
import dev.umbra.proto.v1.SeriesColumn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet numbers for the README on this machine (not run by {@code mvn verify}; run with
 * {@code -Dit.test=FleetBenchmark}): points/s through one partition and through the broker with
 * the node shadow's producer settings, the delay from a primary's sample to the trainer, and
 * how node shadows on one machine scale (CPU per shadow and publish delay at 1, 2 and 3
 * shadows of 20 primaries each). Results go to stdout and {@code target/fleet-benchmark.txt}.
 */
public class FleetBenchmark {
  private static final int SERIES = 16;
  private static final int SECONDS_PER_RECORD = 2;

  @TempDir Path work;
  private final StringBuilder report = new StringBuilder();
  private final HttpClient http = HttpClient.newHttpClient();

  private void say(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    System.out.println(line);
    report.append(line).append('\n');
  }

  /** Runs the benchmark outside failsafe: {@code java -cp <test class path> -Dumbra.shadow.jar=... FleetBenchmark}. */
  public static void main(String[] args) throws Exception {
    FleetBenchmark bench = new FleetBenchmark();
    bench.work = Files.createTempDirectory("fleet-bench");
    bench.measures();
    System.exit(0);
  }

  @Test
  void measures() throws Exception {
    try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"))) {
      say("# fleet benchmark %s, %d cores", java.time.Instant.now(), Runtime.getRuntime().availableProcessors());
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic("bench.one", 1, (short) 1), new NewTopic("bench.many", 6, (short) 1)))
            .all().get(60, TimeUnit.SECONDS);
      }
      for (int round = 1; round <= 3; round++) {
        throughput(kafka, "bench.one", 1, 1, round);
      }
      for (int round = 1; round <= 3; round++) {
        throughput(kafka, "bench.many", 6, 2, round);
      }
      scaling(kafka);
    } finally {
      Path out = Path.of("target", "fleet-benchmark.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report.toString());
    }
  }

  /** Producers with the shadow's settings, SeriesBatch records of 16 series x 2 s, for 15 s. */
  private void throughput(KafkaBroker kafka, String topic, int keys, int threads, int round) throws Exception {
    byte[] value = batch(SERIES, SECONDS_PER_RECORD).toByteArray();
    long points = (long) SERIES * SECONDS_PER_RECORD;
    AtomicLong acked = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(15);
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      running.add(pool.submit(() -> {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(producer(kafka.bootstrap()))) {
          long i = 0;
          while (System.nanoTime() < end) {
            String key = "workload-" + ((i++ * threads + thread) % Math.max(keys * 4, 1));
            p.send(new ProducerRecord<>(topic, key, value), (m, e) -> {
              if (e == null) {
                acked.incrementAndGet();
              }
            });
          }
          p.flush();
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    say("throughput %s (%d partitions, %d producers) round %d: %.0f records/s, %.0f points/s, %d B/record",
        topic, keys, threads, round, acked.get() / seconds, acked.get() * points / seconds, value.length);
  }

  private static Properties producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 32L << 20);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  private static SeriesBatch batch(int series, int seconds) {
    SeriesBatch.Builder b = SeriesBatch.newBuilder().setWorkload("workload-0").setPrimaryId("host-1234-1700000000000")
        .setShadow("node-1").setFirstSecond(1_700_000_000L).setSeconds(seconds).setPublishedUnixMs(1_700_000_002_000L)
        .setBatchSequence(1);
    for (int i = 0; i < series; i++) {
      SeriesColumn.Builder c = SeriesColumn.newBuilder().setSeries("series.n" + i);
      for (int s = 0; s < seconds; s++) {
        c.addValues(1000 * i + Math.random() * 100);
      }
      b.addColumns(c);
    }
    return b.build();
  }

  /**
   * 1, 2 and 3 node shadows with 20 primaries each and a trainer: CPU of each shadow, points
   * published per second, publish delay p95 and the sample-to-trainer delay.
   */
  private void scaling(KafkaBroker kafka) throws Exception {
    int trainerHttp = FreePort.pick();
    try (JavaProcess trainer = JavaProcess.start("trainer", JavaProcess.java17Home(), List.of("-Xmx768m",
            "-XX:+UseSerialGC", "-jar", JavaProcess.shadowJar().toString(), "train", "--kafka", kafka.bootstrap(),
            "--id", "bench-trainer", "--train-every", "10m", "--partitions", "6", "--replication", "1",
            "--http-port", String.valueOf(trainerHttp)),
        Map.of("OMP_NUM_THREADS", "1"), work.resolve("trainer"))) {
      trainer.awaitOutput("trainer bench-trainer ready", Duration.ofSeconds(180));
      for (int n = 1; n <= 3; n++) {
        List<ShadowProcess> shadows = new ArrayList<>();
        List<FleetPrimary> primaries = new ArrayList<>();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try {
          for (int i = 0; i < n; i++) {
            shadows.add(ShadowProcess.start(work.resolve("n" + n + "-s" + i), List.of("-Xmx768m", "-XX:+UseSerialGC"),
                List.of("--kafka", kafka.bootstrap(), "--fleet-id", "n" + n + "-s" + i)));
          }
          for (ShadowProcess s : shadows) {
            for (int p = 0; p < 20; p++) {
              primaries.add(FleetPrimary.start("n" + n + "-" + s.grpcPort() + "-" + p, "bench-w" + (p % 5), s.channel(),
                  scheduler));
            }
          }
          Thread.sleep(20_000); // warm up
          Map<Long, long[]> before = new TreeMap<>();
          double[] published = new double[n];
          String delayBefore = metrics(trainerHttp);
          for (int i = 0; i < n; i++) {
            before.put((long) i, cpu(shadows.get(i).current().pid()));
            published[i] = metric(metrics(shadows.get(i).httpPort()), "umbra_fleet_published_points_total");
          }
          long t0 = System.nanoTime();
          Thread.sleep(60_000);
          double seconds = (System.nanoTime() - t0) / 1e9;
          StringBuilder cpu = new StringBuilder();
          double points = 0;
          double p95 = 0;
          for (int i = 0; i < n; i++) {
            long used = cpu(shadows.get(i).current().pid())[0] - before.get((long) i)[0];
            cpu.append(String.format(Locale.ROOT, " %.1f%%", 100.0 * used / 1000 / seconds));
            String m = metrics(shadows.get(i).httpPort());
            points += metric(m, "umbra_fleet_published_points_total") - published[i];
            p95 = Math.max(p95, quantile(m, "umbra_fleet_publish_delay_seconds", 0.95, null));
          }
          String delayAfter = metrics(trainerHttp);
          say("scaling %d shadow(s) x 20 primaries: shadow CPU%s of one core; %.0f points/s published;"
                  + " outbox-to-ack p95 <= %.3f s; sample-to-trainer p50 %.2f s p95 %.2f s",
              n, cpu, points / seconds, p95,
              quantile(delayAfter, "umbra_trainer_sample_delay_seconds", 0.5, delayBefore),
              quantile(delayAfter, "umbra_trainer_sample_delay_seconds", 0.95, delayBefore));
        } finally {
          primaries.forEach(FleetPrimary::close);
          scheduler.shutdownNow();
          for (ShadowProcess s : shadows) {
            s.close();
          }
        }
      }
    }
  }

  /** {utime+stime in ms} of a process. */
  private static long[] cpu(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {(Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10};
  }

  private String metrics(int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double metric(String text, String name) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** Upper bound of the bucket holding quantile q of the observations between two scrapes. */
  private static double quantile(String after, String histogram, double q, String before) {
    TreeMap<Double, Double> now = buckets(after, histogram);
    TreeMap<Double, Double> then = before == null ? new TreeMap<>() : buckets(before, histogram);
    double total = now.getOrDefault(Double.POSITIVE_INFINITY, 0.0) - then.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    if (total <= 0) {
      return Double.NaN;
    }
    for (Map.Entry<Double, Double> e : now.entrySet()) {
      if (e.getValue() - then.getOrDefault(e.getKey(), 0.0) >= q * total) {
        return e.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private static TreeMap<Double, Double> buckets(String text, String histogram) {
    TreeMap<Double, Double> out = new TreeMap<>();
    Matcher m = Pattern.compile("^" + Pattern.quote(histogram) + "_bucket\\{le=\"([^\"]+)\"\\} (\\S+)$", Pattern.MULTILINE)
        .matcher(text);
    while (m.find()) {
      out.put(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)),
          Double.parseDouble(m.group(2)));
    }
    return out;
  }
}
