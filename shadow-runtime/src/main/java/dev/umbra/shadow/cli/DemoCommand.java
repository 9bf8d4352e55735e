package dev.umbra.shadow.cli;

import dev.umbra.shadow.Shadow;
import dev.umbra.shadow.config.Quantities;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.ingest.PrimaryView;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.series.SeriesWindow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code umbra demo}: a shadow and a real primary JVM with the agent, end to end. This build's
 * demo shows ingest and forecasts live; provisioning, anomalies and rollback join it as their
 * parts land.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start a shadow and a demo primary (a JVM with the agent running phases: warm-up, CPU,",
      "memory, disk, network), show what the shadow sees and forecasts, then a summary."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "2m", description = "How long to run (default ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--agent-jar", paramLabel = "JAR", description = "The umbra-agent.jar to use (default: found like 'umbra attach' does).")
  Path agentJar;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Duration length;
    try {
      length = Quantities.parseDuration(duration);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--duration: " + e.getMessage());
    }
    if (length.toSeconds() < 20) {
      throw new UsageException("--duration must be at least 20s");
    }
    Path agent = AttachCommand.locateAgentJar(agentJar, System.getenv(), AttachCommand.shadowJarFolder())
        .orElseThrow(() -> new AttachCommand.AttachFailedException("cannot find umbra-agent.jar: build it (mvn -B -DskipTests package) or give --agent-jar"));
    Path self = AttachCommand.shadowJarFolder().map(f -> f.resolve("umbra-shadow.jar"))
        .filter(Files::isRegularFile)
        .orElseThrow(() -> new NotAvailableException("demo outside umbra-shadow.jar"));
    PrintWriter out = spec.commandLine().getOut();
    // the live table is the demo's output; the shadow's INFO lines would interleave with it
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Path data = Files.createTempDirectory("umbra-demo");
    ShadowConfig config = ShadowConfig.of(
        new ShadowConfig.Endpoint("127.0.0.1", 0), new ShadowConfig.Endpoint("127.0.0.1", 0), data);
    try (Shadow shadow = Shadow.start(config, Clock.systemUTC())) {
      int port = shadow.grpcAddress().getPort();
      out.printf("umbra demo: shadow on 127.0.0.1:%d (dashboard http://127.0.0.1:%d/dashboard/), data %s%n",
          port, shadow.httpAddress().getPort(), data);
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m",
          "-javaagent:" + agent + "=shadow=127.0.0.1:" + port + ",criticality=high",
          "-cp", self.toString(), "dev.umbra.shadow.demo.DemoWorkload", Long.toString(length.toSeconds())));
      Process primary = new ProcessBuilder(command).redirectErrorStream(true).start();
      Thread killer = new Thread(primary::destroyForcibly, "umbra-demo-stop");
      Runtime.getRuntime().addShutdownHook(killer);
      AtomicReference<String> phase = new AtomicReference<>("starting");
      Thread reader = new Thread(() -> follow(primary, phase), "umbra-demo-output");
      reader.setDaemon(true);
      reader.start();
      out.printf("umbra demo: primary pid %d, running %s%n%n", primary.pid(), duration);
      out.println(String.format(Locale.ROOT, "%-8s %-8s %8s %10s %12s %12s %12s  %s",
          "TIME", "PHASE", "CPU", "CPU p90", "HEAP MiB", "DISK MB/s", "NET MB/s", "FORECAST MODEL"));
      long start = System.currentTimeMillis();
      int forecasts = 0;
      double peakCpu = 0;
      while (primary.isAlive()) {
        Thread.sleep(2000);
        Optional<PrimarySession> session = shadow.ingest().sessions().all().stream().findFirst();
        if (session.isEmpty()) {
          continue;
        }
        String id = session.get().primaryId();
        double cpu = latest(shadow, id, Canonical.CPU_PROCESS);
        peakCpu = Math.max(peakCpu, Double.isNaN(cpu) ? 0 : cpu);
        String p90 = "-";
        String model = "(collecting)";
        try {
          QuantileForecast f = shadow.forecasts().forecast(id, Canonical.CPU_PROCESS.seriesName(), Horizon.DEFAULT, QuantileLevels.DEFAULT);
          p90 = String.format(Locale.ROOT, "%.2f", f.peakAt(0.9));
          model = f.model() + f.fallbackReason().map(r -> " (fallback)").orElse("");
          forecasts++;
        } catch (Exception e) {
          // too little history yet
        }
        out.println(String.format(Locale.ROOT, "%-8s %-8s %8.2f %10s %12.1f %12.2f %12.2f  %s",
            (System.currentTimeMillis() - start) / 1000 + "s", phase.get(), nan0(cpu), p90,
            nan0(latest(shadow, id, Canonical.MEM_HEAP_USED)) / (1 << 20),
            (nan0(latest(shadow, id, Canonical.IO_DISK_READ)) + nan0(latest(shadow, id, Canonical.IO_DISK_WRITE))) / 1e6,
            (nan0(latest(shadow, id, Canonical.IO_NET_RX)) + nan0(latest(shadow, id, Canonical.IO_NET_TX))) / 1e6,
            model));
        out.flush();
      }
      Runtime.getRuntime().removeShutdownHook(killer);
      out.println();
      out.println("umbra demo: summary");
      for (PrimarySession s : shadow.ingest().sessions().all()) {
        PrimaryView v = s.view();
        out.printf(Locale.ROOT, "  primary %s (%s): %d batches, %d points, loss %.2f%%%n", v.primaryId(),
            v.identity().workloadName(), v.batchesReceived(), v.pointsReceived(), 100 * v.loss());
      }
      out.printf(Locale.ROOT, "  forecasts made: %d; peak CPU seen: %.2f cores; primary exit code %d%n",
          forecasts, peakCpu, primary.exitValue());
      out.println("  not in the demo yet: pre-provisioning, an injected fault and its rollback (see umbra run, --manage)");
      out.flush();
      return primary.exitValue() == 0 && forecasts > 0 ? 0 : 1;
    }
  }

  private static double latest(Shadow shadow, String primaryId, Canonical series) {
    long newest = shadow.store().newestSecond(primaryId, series.seriesName());
    if (newest == Long.MIN_VALUE) {
      return Double.NaN;
    }
    SeriesWindow w = shadow.store().window(primaryId, series.seriesName(), newest, newest + 1);
    return w.size() == 0 ? Double.NaN : w.value(0);
  }

  private static double nan0(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static void follow(Process primary, AtomicReference<String> phase) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(primary.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("phase ")) {
          phase.set(line.substring(6));
        } else if (line.startsWith("umbra-agent")) {
          System.err.println(line);
        }
      }
    } catch (java.io.IOException e) {
      // the primary exited
    }
  }
}
