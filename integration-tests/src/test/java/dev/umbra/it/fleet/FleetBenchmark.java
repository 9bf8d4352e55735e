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
import java.util.Arrays;
import java.util.Collections;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet numbers for docs/fleet.md on this machine (not run by {@code mvn verify}; run with
 * {@code -Dit.test=FleetBenchmark}). Every record carries real series: the Bitbrains traces of
 * {@code ../shared/data} replayed by {@link TraceReplay}, 16 series x 2 s per record as a node
 * shadow publishes them.
 *
 * <ol>
 *   <li>points/s acknowledged ({@code acks=all}) through one partition (one producer) and through a
 *       6-partition topic (two producers), with the node shadow's producer settings, {@code reps}
 *       rounds each: median and range;
 *   <li>points/s one consumer reads and decodes from one partition (what a trainer can take in);
 *   <li>1, 2 and 4 node shadows ({@code umbra serve --kafka}) of {@code primaries} simulated
 *       primaries each on this machine, with one {@code umbra train}: CPU per shadow, points/s
 *       published, outbox-to-ack delay, and the delay from the end of a sampled second to a
 *       consumer of the series topic (exact, per point) and to the trainer (its histogram), over
 *       {@code windows} consecutive windows per configuration.
 * </ol>
 *
 * The 1-minute load average and the machine's CPU use are printed beside every number: the
 * machine is shared. Results go to stdout, {@code target/fleet-benchmark.txt} and a Markdown
 * summary in {@code target/fleet-benchmark.md}. Knobs ({@code -D}): {@code umbra.bench.parts}
 * (throughput,scaling), {@code umbra.bench.reps} (5, after one warm-up round),
 * {@code umbra.bench.roundSeconds} (10), {@code umbra.bench.shadows} (1,2,4),
 * {@code umbra.bench.primaries} (20), {@code umbra.bench.windows} (3),
 * {@code umbra.bench.windowSeconds} (30), {@code umbra.bench.traces} (the trace folder).
 */
public class FleetBenchmark {
  private static final int BATCH_SECONDS = 2;
  private static final int REPS = Integer.getInteger("umbra.bench.reps", 5);
  private static final int ROUND_SECONDS = Integer.getInteger("umbra.bench.roundSeconds", 10);
  private static final int PRIMARIES = Integer.getInteger("umbra.bench.primaries", 20);
  private static final int WINDOWS = Integer.getInteger("umbra.bench.windows", 3);
  private static final int WINDOW_SECONDS = Integer.getInteger("umbra.bench.windowSeconds", 30);
  /** Which parts run: throughput (produce and consume rounds), scaling, or both. */
  private static final String PARTS = System.getProperty("umbra.bench.parts", "throughput,scaling");
  private static final List<Integer> SHADOWS =
      Arrays.stream(System.getProperty("umbra.bench.shadows", "1,2,4").split(",")).map(String::trim)
          .map(Integer::valueOf).toList();

  @TempDir Path work;
  private final StringBuilder report = new StringBuilder();
  private final StringBuilder summary = new StringBuilder();
  private final HttpClient http = HttpClient.newHttpClient();

  private void say(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    System.out.println(line);
    report.append(line).append('\n');
  }

  private void table(String format, Object... args) {
    summary.append(String.format(Locale.ROOT, format, args)).append('\n');
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
    TraceReplay trace = TraceReplay.load(TraceReplay.folder(), 3600);
    try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"))) {
      say("# fleet benchmark %s, %d cores, load %s, %d traces", java.time.Instant.now(),
          Runtime.getRuntime().availableProcessors(), loadAverage(), trace.vmCount());
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic("bench.one", 1, (short) 1), new NewTopic("bench.many", 6, (short) 1)))
            .all().get(60, TimeUnit.SECONDS);
      }
      if (PARTS.contains("throughput")) {
        List<Record> pool = records(trace, 20_000);
        table("| path | points/s, median of %d | range | records/s (median) | load 1-min during the rounds |", REPS);
        table("|---|---|---|---|---|");
        throughput(kafka, "bench.one", "one partition, one producer", 1, pool);
        throughput(kafka, "bench.many", "6 partitions, two producers", 2, pool);
        consume(kafka, "bench.one");
        table("");
      }
      if (PARTS.contains("scaling")) {
        scaling(kafka, trace);
      }
    } finally {
      Path out = Path.of("target", "fleet-benchmark.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report.toString());
      Files.writeString(Path.of("target", "fleet-benchmark.md"), summary.toString());
      System.out.println(summary);
    }
  }

  private record Record(String key, byte[] value, int points) {}

  /** {@code count} records, each one run's 16 series over 2 consecutive seconds of the traces. */
  private static List<Record> records(TraceReplay trace, int count) {
    List<Record> out = new ArrayList<>(count);
    int runs = trace.vmCount();
    for (int i = 0; i < count; i++) {
      int run = i % runs;
      long step = (long) (i / runs) * BATCH_SECONDS;
      SeriesBatch.Builder b = SeriesBatch.newBuilder().setWorkload("bb-" + run).setPrimaryId("host-" + run + "-1700000000000")
          .setShadow("node-" + run % 7).setFirstSecond(1_700_000_000L + step).setSeconds(BATCH_SECONDS)
          .setPublishedUnixMs(1_700_000_000_000L + step * 1000).setBatchSequence(i / runs + 1);
      Map<String, SeriesColumn.Builder> columns = new TreeMap<>();
      for (int s = 0; s < BATCH_SECONDS; s++) {
        trace.values(run, step + s).forEach((series, v) ->
            columns.computeIfAbsent(series, k -> SeriesColumn.newBuilder().setSeries(k)).addValues(v));
      }
      columns.values().forEach(b::addColumns);
      out.add(new Record("bb-" + run, b.build().toByteArray(), TraceReplay.seriesCount() * BATCH_SECONDS));
    }
    return out;
  }

  /** {@code reps} rounds of {@code producers} producers with the shadow's settings sending the pool as fast as acked. */
  private void throughput(KafkaBroker kafka, String topic, String path, int producers, List<Record> pool) throws Exception {
    List<Double> pointsPerSecond = new ArrayList<>();
    List<Double> recordsPerSecond = new ArrayList<>();
    List<Double> loads = new ArrayList<>();
    for (int round = 0; round <= REPS; round++) { // round 0 warms up the broker's and the client's JIT: not counted
      AtomicLong ackedRecords = new AtomicLong();
      AtomicLong ackedPoints = new AtomicLong();
      double[] compression = new double[producers];
      ExecutorService threads = Executors.newFixedThreadPool(producers);
      List<KafkaProducer<String, byte[]>> clients = new ArrayList<>();
      for (int t = 0; t < producers; t++) {
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(producer(kafka.bootstrap()));
        p.partitionsFor(topic); // metadata before the clock starts
        clients.add(p);
      }
      long[] cpuBefore = machineCpu();
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(ROUND_SECONDS);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < producers; t++) {
        int thread = t;
        KafkaProducer<String, byte[]> p = clients.get(t);
        running.add(threads.submit(() -> {
          int i = thread * (pool.size() / producers);
          while (System.nanoTime() < end) {
            Record r = pool.get(i++ % pool.size());
            p.send(new ProducerRecord<>(topic, r.key(), r.value()), (m, e) -> {
              if (e == null) {
                ackedRecords.incrementAndGet();
                ackedPoints.addAndGet(r.points());
              }
            });
          }
          p.flush();
          compression[thread] = producerMetric(p, "compression-rate-avg");
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double busy = machineBusy(cpuBefore, machineCpu());
      clients.forEach(KafkaProducer::close);
      threads.shutdown();
      double load = loadAverage1();
      if (round > 0) {
        pointsPerSecond.add(ackedPoints.get() / seconds);
        recordsPerSecond.add(ackedRecords.get() / seconds);
        loads.add(load);
      }
      say("throughput %s round %d%s: %.0f points/s, %.0f records/s acknowledged, lz4 ratio %.2f, %d B/record raw;"
              + " machine CPU busy %.0f%%, load %.2f",
          path, round, round == 0 ? " (warm-up)" : "", ackedPoints.get() / seconds, ackedRecords.get() / seconds, compression[0],
          pool.get(0).value().length, busy * 100, load);
    }
    say("throughput %s: median %.0f points/s (range %.0f-%.0f) over %d rounds of %d s", path, median(pointsPerSecond),
        Collections.min(pointsPerSecond), Collections.max(pointsPerSecond), REPS, ROUND_SECONDS);
    table("| %s (acks=all, acknowledged) | %s | %s-%s | %s | %.1f-%.1f |", path, si(median(pointsPerSecond)),
        si(Collections.min(pointsPerSecond)), si(Collections.max(pointsPerSecond)), si(median(recordsPerSecond)),
        Collections.min(loads), Collections.max(loads));
  }

  /** {@code reps} rounds of one consumer reading and decoding the partition from its start. */
  private void consume(KafkaBroker kafka, String topic) throws Exception {
    List<Double> rates = new ArrayList<>();
    List<Double> loads = new ArrayList<>();
    TopicPartition tp = new TopicPartition(topic, 0);
    for (int round = 1; round <= REPS; round++) {
      try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumer(kafka.bootstrap(), null))) {
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        long endOffset = c.endOffsets(List.of(tp)).get(tp);
        long points = 0;
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(ROUND_SECONDS);
        while (System.nanoTime() < deadline && c.position(tp) < endOffset) {
          for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
            for (SeriesColumn col : SeriesBatch.parseFrom(r.value()).getColumnsList()) {
              for (int i = 0; i < col.getValuesCount(); i++) {
                if (!Double.isNaN(col.getValues(i))) {
                  points++;
                }
              }
            }
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        rates.add(points / seconds);
        loads.add(loadAverage1());
        say("consume %s round %d: %.0f points/s read and decoded by one consumer, load %.2f", topic, round,
            points / seconds, loads.get(loads.size() - 1));
      }
    }
    table("| one partition, one consumer reading and decoding | %s | %s-%s | | %.1f-%.1f |", si(median(rates)),
        si(Collections.min(rates)), si(Collections.max(rates)), Collections.min(loads), Collections.max(loads));
  }

  private static Properties producer(String bootstrap) {
    // the node shadow's settings (dev.umbra.shadow.fleet.KafkaSettings), but send may block for
    // memory here: the benchmark pushes as fast as the broker acknowledges
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 32L << 20);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  private static Properties consumer(String bootstrap, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    }
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  private static double producerMetric(KafkaProducer<?, ?> p, String name) {
    for (Map.Entry<MetricName, ? extends Metric> e : p.metrics().entrySet()) {
      if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
        Object v = e.getValue().metricValue();
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** Reads the series topic as a trainer would and keeps, per point, the delay from the end of its second. */
  private static final class DelayProbe implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final List<Long> delaysMs = new ArrayList<>();
    private volatile boolean stop;

    DelayProbe(String bootstrap, String group) {
      consumer = new KafkaConsumer<>(consumer(bootstrap, group));
      consumer.subscribe(List.of("umbra.series.v1"));
      thread = new Thread(this::run, "bench-delay-probe");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (!stop) {
        try {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            long now = System.currentTimeMillis();
            SeriesBatch b = SeriesBatch.parseFrom(r.value());
            synchronized (delaysMs) {
              for (int i = 0; i < b.getSeconds(); i++) {
                delaysMs.add(now - (b.getFirstSecond() + i + 1) * 1000);
              }
            }
          }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
          return;
        } catch (Exception e) {
          System.out.println("delay probe: " + e);
        }
      }
    }

    /** The delays seen since the last call. */
    List<Long> take() {
      synchronized (delaysMs) {
        List<Long> out = new ArrayList<>(delaysMs);
        delaysMs.clear();
        return out;
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      consumer.wakeup();
      thread.join(5000);
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /**
   * For each shadow count: that many node shadows with {@link #PRIMARIES} primaries each (5
   * workloads), one trainer and a delay probe; after 20 s of warm-up, {@link #WINDOWS} windows.
   */
  private void scaling(KafkaBroker kafka, TraceReplay trace) throws Exception {
    int trainerHttp = FreePort.pick();
    table("Node shadows on this machine, %d primaries each (16 series/s each), %d windows of %d s per row:",
        PRIMARIES, WINDOWS, WINDOW_SECONDS);
    table("");
    table("| shadows | CPU per shadow, %% of a core (median) | points/s published (median) | outbox-to-ack p50 / p99 |"
        + " sample-to-consumer p50 / p99 (range) | trainer p50 / p99 | machine CPU busy | load 1-min |");
    table("|---|---|---|---|---|---|---|---|");
    try (JavaProcess trainer = JavaProcess.start("trainer", JavaProcess.java17Home(), List.of("-Xmx768m",
            "-XX:+UseSerialGC", "-jar", JavaProcess.shadowJar().toString(), "train", "--kafka", kafka.bootstrap(),
            "--id", "bench-trainer", "--train-every", "60m", "--partitions", "6", "--replication", "1",
            "--http-port", String.valueOf(trainerHttp)),
        Map.of("OMP_NUM_THREADS", "1"), work.resolve("trainer"))) {
      trainer.awaitOutput("trainer bench-trainer ready", Duration.ofSeconds(180));
      int run = 0;
      for (int n : SHADOWS) {
        List<ShadowProcess> shadows = new ArrayList<>();
        List<FleetPrimary> primaries = new ArrayList<>();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try (DelayProbe probe = new DelayProbe(kafka.bootstrap(), "bench-delay-" + n)) {
          for (int i = 0; i < n; i++) {
            shadows.add(ShadowProcess.start(work.resolve("n" + n + "-s" + i), List.of("-Xmx768m", "-XX:+UseSerialGC"),
                List.of("--kafka", kafka.bootstrap(), "--fleet-id", "n" + n + "-s" + i,
                    "--kafka-batch", BATCH_SECONDS + "s")));
          }
          for (ShadowProcess s : shadows) {
            for (int p = 0; p < PRIMARIES; p++) {
              int r = run++;
              primaries.add(FleetPrimary.start("n" + n + "-" + s.grpcPort() + "-" + p, "bench-w" + (p % 5), s.channel(),
                  scheduler, second -> trace.values(r, second)));
            }
          }
          Thread.sleep(20_000); // warm-up: sessions open, first batches out, JIT
          probe.take();
          List<Double> cpuPerShadow = new ArrayList<>();
          List<Double> published = new ArrayList<>();
          List<Double> p50s = new ArrayList<>();
          List<Double> p99s = new ArrayList<>();
          List<Double> busy = new ArrayList<>();
          List<Double> loads = new ArrayList<>();
          List<Long> allDelays = new ArrayList<>();
          String[] ack = {"", ""};
          String[] trainerQ = {"", ""};
          double dropped = 0;
          for (int w = 1; w <= WINDOWS; w++) {
            long[] cpu0 = new long[n];
            String[] m0 = new String[n];
            for (int i = 0; i < n; i++) {
              cpu0[i] = processCpuMs(shadows.get(i).current().pid());
              m0[i] = metrics(shadows.get(i).httpPort());
            }
            String t0 = metrics(trainerHttp);
            long[] machine0 = machineCpu();
            long start = System.nanoTime();
            Thread.sleep(WINDOW_SECONDS * 1000L);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Long> delays = probe.take();
            double machineBusy = machineBusy(machine0, machineCpu());
            String t1 = metrics(trainerHttp);
            double points = 0;
            StringBuilder cpuText = new StringBuilder();
            String ackP50 = "";
            String ackP99 = "";
            double worstP99 = -1;
            for (int i = 0; i < n; i++) {
              double c = 100.0 * (processCpuMs(shadows.get(i).current().pid()) - cpu0[i]) / 1000 / seconds;
              cpuPerShadow.add(c);
              cpuText.append(String.format(Locale.ROOT, " %.1f%%", c));
              String m1 = metrics(shadows.get(i).httpPort());
              points += metric(m1, "umbra_fleet_published_points_total") - metric(m0[i], "umbra_fleet_published_points_total");
              dropped += sum(m1, "umbra_fleet_dropped_points_total") - sum(m0[i], "umbra_fleet_dropped_points_total");
              double q99 = quantile(m1, "umbra_fleet_publish_delay_seconds", 0.99, m0[i]);
              if (q99 > worstP99) {
                worstP99 = q99;
                ackP50 = bound(quantile(m1, "umbra_fleet_publish_delay_seconds", 0.5, m0[i]));
                ackP99 = bound(q99);
              }
            }
            Collections.sort(delays);
            double p50 = percentile(delays, 0.5) / 1000.0;
            double p99 = percentile(delays, 0.99) / 1000.0;
            allDelays.addAll(delays);
            published.add(points / seconds);
            p50s.add(p50);
            p99s.add(p99);
            busy.add(machineBusy * 100);
            double load = loadAverage1();
            loads.add(load);
            ack[0] = ackP50;
            ack[1] = ackP99;
            trainerQ[0] = bound(quantile(t1, "umbra_trainer_sample_delay_seconds", 0.5, t0));
            trainerQ[1] = bound(quantile(t1, "umbra_trainer_sample_delay_seconds", 0.99, t0));
            say("scaling %d shadow(s) x %d primaries, window %d: shadow CPU%s of one core; %.0f points/s published;"
                    + " outbox-to-ack p50 %s p99 %s; sample-to-consumer p50 %.2f s p99 %.2f s (%d primary-seconds);"
                    + " trainer p50 %s p99 %s; machine CPU busy %.0f%%, load %.2f",
                n, PRIMARIES, w, cpuText, points / seconds, ackP50, ackP99, p50, p99, delays.size(), trainerQ[0],
                trainerQ[1], machineBusy * 100, load);
          }
          Collections.sort(allDelays);
          say("scaling %d shadow(s): all windows sample-to-consumer p50 %.2f s p90 %.2f s p99 %.2f s max %.2f s;"
                  + " dropped %.0f points", n, percentile(allDelays, 0.5) / 1000.0, percentile(allDelays, 0.9) / 1000.0,
              percentile(allDelays, 0.99) / 1000.0, percentile(allDelays, 1.0) / 1000.0, dropped);
          table("| %d | %.1f (%.1f-%.1f) | %.0f | %s / %s | %.2f / %.2f s (p99 %.2f-%.2f) | %s / %s | %.0f-%.0f %% | %.1f-%.1f |",
              n, median(cpuPerShadow), Collections.min(cpuPerShadow), Collections.max(cpuPerShadow), median(published),
              ack[0], ack[1], percentile(allDelays, 0.5) / 1000.0, percentile(allDelays, 0.99) / 1000.0,
              Collections.min(p99s), Collections.max(p99s), trainerQ[0], trainerQ[1], Collections.min(busy),
              Collections.max(busy), Collections.min(loads), Collections.max(loads));
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

  private static String si(double v) {
    if (v >= 1e6) {
      return String.format(Locale.ROOT, "%.2f M", v / 1e6);
    }
    if (v >= 1e3) {
      return String.format(Locale.ROOT, "%.0f k", v / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", v);
  }

  private static String bound(double v) {
    return Double.isNaN(v) ? "n/a" : Double.isInfinite(v) ? "> max bucket" : String.format(Locale.ROOT, "<= %.3g s", v);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Nearest-rank percentile of sorted values; NaN when empty. */
  private static double percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /** utime+stime of a process in ms. */
  private static long processCpuMs(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }

  /** {busy, total} jiffies of the whole machine. */
  private static long[] machineCpu() throws Exception {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < f.length; i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new long[] {total - idle, total};
  }

  private static double machineBusy(long[] before, long[] after) {
    long total = after[1] - before[1];
    return total <= 0 ? Double.NaN : (double) (after[0] - before[0]) / total;
  }

  private static String loadAverage() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  private static double loadAverage1() throws Exception {
    return Double.parseDouble(loadAverage().split(" ")[0]);
  }

  private String metrics(int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double metric(String text, String name) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** The sum of every labelled sample of a metric. */
  private static double sum(String text, String name) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE).matcher(text);
    double s = 0;
    while (m.find()) {
      s += Double.parseDouble(m.group(2));
    }
    return s;
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
