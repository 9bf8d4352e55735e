package dev.umbra.shadow.cli;

import dev.umbra.shadow.config.ConfigException;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.fleet.FleetTrainer;
import dev.umbra.shadow.http.HttpEndpoint;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.units.Durations;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code umbra train}: the fleet's trainer, a consumer group member on the series topic. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    // each element is a paragraph (picocli wraps it); the first is the summary in 'umbra --help'
    description = {
      "Train forecasters fleet-wide from the series that node shadows publish to Kafka.",
      "Reads every node shadow's series from Kafka (consumer group), keeps a window per run of each"
          + " workload, trains each workload's LSTM and publishes versioned models to the compacted topic"
          + " umbra.models.v1. Start several to share the partitions."
    })
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--kafka", required = true, paramLabel = "HOST:PORT,...", description = "Kafka bootstrap servers.")
  String kafka;

  @Option(names = "--group", paramLabel = "ID", defaultValue = "umbra-trainer", description = "Consumer group (default ${DEFAULT-VALUE}).")
  String group;

  @Option(names = "--id", paramLabel = "NAME", description = "This trainer's name (default: host name and pid).")
  String id;

  @Option(names = "--window", paramLabel = "DURATION", defaultValue = "6h", description = "Data kept per run and trained on (default ${DEFAULT-VALUE}).")
  String window;

  @Option(names = "--train-every", paramLabel = "DURATION", defaultValue = "5m", description = "How often workloads with new data are trained (default ${DEFAULT-VALUE}).")
  String trainEvery;

  @Option(names = "--min-history", paramLabel = "DURATION", defaultValue = "10m", description = "Data of a workload before its first model (default ${DEFAULT-VALUE}).")
  String minHistory;

  @Option(names = "--series", paramLabel = "NAME,...", split = ",", defaultValue = "cpu.process,mem.heap.used", description = "Series that get models (default ${DEFAULT-VALUE}).")
  List<String> series;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "12", description = "Partitions of topics this trainer creates (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--replication", paramLabel = "N", defaultValue = "3", description = "Replication factor of topics this trainer creates (default ${DEFAULT-VALUE}).")
  short replication;

  @Option(names = "--http-host", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Bind address of /metrics (default ${DEFAULT-VALUE}).")
  String httpHost;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "7072", description = "Port of /metrics (default ${DEFAULT-VALUE}; 0 = any).")
  int httpPort;

  @Override
  public Integer call() throws Exception {
    List<String> unknown = new ArrayList<>();
    for (String s : series) {
      if (Canonical.byName(s) == null) {
        unknown.add(s);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("series: " + unknown + " are not canonical series");
    }
    FleetTrainer.Settings settings;
    try {
      settings = new FleetTrainer.Settings(kafka, group, id != null ? id : defaultId(), duration("window", window),
          duration("train-every", trainEvery), duration("min-history", minHistory), series, partitions, replication);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    ShadowConfig.Endpoint endpoint;
    try {
      endpoint = new ShadowConfig.Endpoint(httpHost, httpPort);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("http-port: " + e.getMessage());
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    FleetTrainer trainer = new FleetTrainer(settings, registry, Clock.systemUTC());
    try (HttpEndpoint http = HttpEndpoint.start(endpoint, registry)) {
      Thread main = Thread.currentThread();
      Thread hook = new Thread(() -> {
        trainer.close();
        try {
          main.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "umbra-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      System.err.println("umbra: trainer " + settings.id() + " reading " + kafka + " (metrics on "
          + http.address().getHostString() + ":" + http.address().getPort() + ", Ctrl-C to stop)");
      trainer.run();
    } finally {
      trainer.release();
    }
    return 0;
  }

  private static Duration duration(String key, String text) throws ConfigException {
    try {
      return Durations.parse(key, text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static String defaultId() {
    String host = System.getenv().getOrDefault("HOSTNAME", "trainer");
    return host + "-" + ProcessHandle.current().pid();
  }
}
