package dev.umbra.it.anomaly;

import dev.umbra.it.shadow.ShadowProcess;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.AnomalyServiceGrpc;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.GetSeriesResponse;
import dev.umbra.proto.v1.ListAnomaliesRequest;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.WatchAnomaliesRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real shadow, one or more {@code FaultPrimary} processes with the real agent from launch, and
 * a WatchAnomalies stream that records each anomaly with the time it was delivered.
 */
final class FaultRun implements AutoCloseable {
  /** The canonical series, as the shadow names them, and the heap after each collection (which the detector scores too). */
  static final List<String> SERIES = List.of("cpu.process", "cpu.machine", "mem.heap.used", "mem.heap.committed",
      "mem.rss", "mem.nonheap", "alloc.rate", "gc.pause", "io.disk.read", "io.disk.write", "io.net.rx", "io.net.tx",
      "io.disk.ops", "io.net.ops", "threads.live", "threads.blocked", "mem.heap.after_gc");

  /** An anomaly and when the watch stream delivered it (wall clock, ms). */
  record Delivered(Anomaly anomaly, long deliveredMillis) {}

  final ShadowProcess shadow;
  /** Everything the watch stream delivered, of every primary. */
  final List<Delivered> delivered;
  private final ManagedChannel channel;
  private final Map<String, FaultProcess> primaries;

  private FaultRun(ShadowProcess shadow, ManagedChannel channel, List<Delivered> delivered,
      Map<String, FaultProcess> primaries) {
    this.shadow = shadow;
    this.channel = channel;
    this.delivered = delivered;
    this.primaries = primaries;
  }

  /** Starts the shadow and one fault primary per name, all at once. */
  static FaultRun start(Path work, String... names) throws IOException, InterruptedException {
    return startWith(work, "", names);
  }

  /**
   * Starts the shadow and one fault primary per name, all at once, each agent with {@code
   * agentOptions} (e.g. {@code "histogram.period=3s"}; "" for none) after its shadow address.
   */
  static FaultRun startWith(Path work, String agentOptions, String... names) throws IOException, InterruptedException {
    ShadowProcess shadow = ShadowProcess.start(work, "-Xmx512m");
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", shadow.grpcPort()).usePlaintext()
        .intercept(shadow.credentials().asTestClient()).build();
    List<Delivered> delivered = new CopyOnWriteArrayList<>();
    AnomalyServiceGrpc.newStub(channel).watchAnomalies(WatchAnomaliesRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(Anomaly a) {
        delivered.add(new Delivered(a, System.currentTimeMillis()));
      }

      @Override
      public void onError(Throwable t) {
        System.out.println("watch ended: " + t);
      }

      @Override
      public void onCompleted() {}
    });
    Map<String, JavaProcess> started = new LinkedHashMap<>();
    try {
      for (String name : names) {
        started.put(name, JavaProcess.start(name, JavaProcess.java17Home(),
            List.of("-Xmx512m", "-XX:+UseG1GC",
                "-javaagent:" + JavaProcess.agentJar() + "=" + shadow.agentOptions()
                    + (agentOptions.isEmpty() ? "" : "," + agentOptions),
                "-cp", JavaProcess.testClasses().toString(), "dev.umbra.it.primaries.FaultPrimary",
                work.resolve(name + "-io").toString()),
            Map.of(), work));
      }
      Map<String, FaultProcess> primaries = new LinkedHashMap<>();
      for (Map.Entry<String, JavaProcess> e : started.entrySet()) {
        JavaProcess process = e.getValue();
        process.awaitOutput("fault primary ready", Duration.ofSeconds(90));
        String[] id = new String[1];
        until("primary " + e.getKey() + " at the shadow", () -> {
          Optional<Primary> p = shadow.primaries(false).stream().filter(x -> x.getPid() == process.pid()).findFirst();
          p.ifPresent(x -> id[0] = x.getPrimaryId());
          return p.isPresent();
        }, Duration.ofSeconds(90), process::output);
        primaries.put(e.getKey(), new FaultProcess(e.getKey(), process, id[0], channel, delivered));
      }
      return new FaultRun(shadow, channel, delivered, primaries);
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      for (JavaProcess p : started.values()) {
        System.out.println("--- " + p + " ---\n" + p.output());
        p.close();
      }
      channel.shutdownNow();
      System.out.println("--- shadow ---\n" + shadow.current().output());
      shadow.close();
      throw e;
    }
  }

  FaultProcess primary(String name) {
    return primaries.get(name);
  }

  /** One fault primary: its process, its id at the shadow, its cues and its anomalies. */
  static final class FaultProcess {
    final String name;
    final JavaProcess process;
    final String primaryId;
    private final ManagedChannel channel;
    private final List<Delivered> delivered;
    private final OutputStream stdin;
    private long sentAfter;

    FaultProcess(String name, JavaProcess process, String primaryId, ManagedChannel channel, List<Delivered> delivered) {
      this.name = name;
      this.process = process;
      this.primaryId = primaryId;
      this.channel = channel;
      this.delivered = delivered;
      this.stdin = process.process().getOutputStream();
    }

    /** Sends a command to the primary; returns when it says it acted, with its time (epoch ms). */
    long cue(String command) throws IOException, InterruptedException {
      stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      Pattern ack = Pattern.compile("^fault " + Pattern.quote(command) + " at (\\d+)$", Pattern.MULTILINE);
      long[] at = new long[1];
      until(name + " to acknowledge " + command, () -> {
        Matcher m = ack.matcher(process.output());
        long last = -1;
        while (m.find()) {
          last = Long.parseLong(m.group(1));
        }
        at[0] = last;
        return last > 0 && last >= sentAfter;
      }, Duration.ofSeconds(90), process::output); // 400 threads take long to start on an overloaded box
      sentAfter = at[0] + 1;
      return at[0];
    }

    /** Every anomaly of this primary the shadow keeps, newest first. */
    List<Anomaly> anomalies() {
      return AnomalyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .listAnomalies(ListAnomaliesRequest.newBuilder().setPrimaryId(primaryId).setLimit(1000).build())
          .getAnomaliesList();
    }

    /** What the watch stream delivered of this primary. */
    List<Delivered> delivered() {
      return delivered.stream().filter(d -> d.anomaly().getPrimaryId().equals(primaryId)).toList();
    }

    /**
     * Writes every canonical series of this primary since {@code sinceMillis} as CSV
     * ({@code second,series...}), for replaying through the detector and for the report.
     */
    void dumpSeries(ShadowProcess shadow, Path file, long sinceMillis) throws IOException {
      TreeMap<Long, Map<String, Double>> rows = new TreeMap<>();
      for (String series : SERIES) {
        GetSeriesResponse r = shadow.control().withDeadlineAfter(30, TimeUnit.SECONDS).getSeries(
            GetSeriesRequest.newBuilder().setPrimaryId(primaryId).setSeries(series).setSinceUnixMs(sinceMillis)
                .setLimit(3600).build());
        for (int i = 0; i < r.getValuesCount(); i++) {
          rows.computeIfAbsent(r.getTimeUnixMs(i) / 1000, s -> new LinkedHashMap<>()).put(series, r.getValues(i));
        }
      }
      List<String> lines = new ArrayList<>();
      lines.add("second," + String.join(",", SERIES));
      rows.forEach((second, values) -> {
        StringBuilder line = new StringBuilder().append(second);
        for (String series : SERIES) {
          Double v = values.get(series);
          line.append(',').append(v == null ? "" : String.valueOf(v));
        }
        lines.add(line.toString());
      });
      Files.createDirectories(file.getParent());
      Files.write(file, lines);
    }

    private void closeInput() {
      try {
        stdin.close();
      } catch (IOException e) {
        // already gone
      }
    }
  }

  static void until(String what, BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> context)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "\n" + context.get());
      }
      Thread.sleep(100);
    }
  }

  String output() {
    StringBuilder out = new StringBuilder();
    for (FaultProcess p : primaries.values()) {
      out.append("--- ").append(p.name).append(" (").append(p.primaryId).append(") ---\n").append(p.process.output()).append('\n');
    }
    return out.append("--- shadow ---\n").append(shadow.current().output()).toString();
  }

  @Override
  public void close() throws Exception {
    for (FaultProcess p : primaries.values()) {
      p.closeInput();
      p.process.close();
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    shadow.close();
  }
}
