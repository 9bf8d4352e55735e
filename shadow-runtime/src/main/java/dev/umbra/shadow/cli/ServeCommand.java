package dev.umbra.shadow.cli;

import dev.umbra.shadow.Shadow;
import dev.umbra.shadow.config.ConfigParser;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.isolation.SelfIsolation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code umbra serve}: a standalone shadow for the primaries of this host. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run a shadow: receive agents' streams, forecast, detect, provision and checkpoint.",
      "Each option can also be set in the config file (same key) or as UMBRA_<KEY>",
      "(e.g. UMBRA_HTTP_PORT); precedence: option, environment, file, default."
    })
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the keys below.")
  Path configFile;

  @Option(names = "--host", paramLabel = "ADDR", description = "gRPC bind address (default 127.0.0.1).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "gRPC port (default 7070; 0 = any free port).")
  String port;

  @Option(names = "--http-host", paramLabel = "ADDR", description = "HTTP bind address (default: --host).")
  String httpHost;

  @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port for /metrics and the dashboard (default 7071).")
  String httpPort;

  @Option(names = "--data", paramLabel = "DIR", description = "Folder for history, models and checkpoints (default ./.umbra).")
  String data;

  /** Refused: a token on the command line is in every local user's process list. */
  @Option(names = "--token", paramLabel = "TOKEN", hidden = true)
  String token;

  /** Refused, like {@link #token}. */
  @Option(names = "--admin-token", paramLabel = "TOKEN", hidden = true)
  String adminToken;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Server certificate chain (PEM).")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Server private key (PEM, PKCS#8).")
  String tlsKey;

  @Option(names = "--cpu", paramLabel = "CORES", description = "Put the shadow in its own cgroup with this CPU limit.")
  String cpu;

  @Option(names = "--memory", paramLabel = "SIZE", description = "Put the shadow in its own cgroup with this memory limit (e.g. 512m).")
  String memory;

  @Option(names = "--exit-when-idle", paramLabel = "DURATION", description = "Exit once no primary has been connected for this long (e.g. 30s); used by shadows that agents spawn.")
  String exitWhenIdle;

  @Option(names = "--checkpoint-every", paramLabel = "DURATION", description = "Checkpoint every connected primary that offers an engine this often (default: only on request).")
  String checkpointEvery;

  @Option(names = "--checkpoint-quiet", paramLabel = "DURATION", description = "A checkpoint becomes known-good after this long without an anomaly (default 30s).")
  String checkpointQuiet;

  @Option(names = "--alert-webhook", paramLabel = "URL", description = "POST each anomaly as JSON to this http(s) URL (5 s timeout, 3 attempts).")
  String alertWebhook;

  @Option(names = "--manage", paramLabel = "MODE", description = "Resource manager: off (default), recommend or auto (true/false also accepted); tune it with the manage-* keys in the config file or UMBRA_MANAGE_*.")
  String manage;

  @Option(names = "--allocator", paramLabel = "NAME", description = "Allocator plugin the resource manager applies through: cgroup (default), kubernetes, jvm or log.")
  String allocator;

  @Option(names = "--act", description = "Act on anomalies: roll back primaries that registered checkpointable state"
      + " (app engine, in place) and scale up through the allocator, by the act-* rules (default: off, alerts only).")
  boolean act;

  @Option(names = "--kafka", paramLabel = "HOST:PORT,...", description = "Kafka bootstrap servers: publish series and events, take fleet-trained models (default: none).")
  String kafka;

  @Option(names = "--kafka-buffer", paramLabel = "SIZE", description = "What may wait for Kafka's acknowledgement (default 64m); past it the oldest is dropped and counted.")
  String kafkaBuffer;

  @Option(names = "--kafka-batch", paramLabel = "DURATION", description = "Seconds of one primary's series per Kafka record (default 2s).")
  String kafkaBatch;

  @Option(names = "--fleet-id", paramLabel = "NAME", description = "This shadow's name in the fleet (default: its gRPC address).")
  String fleetId;

  @Override
  public Integer call() throws Exception {
    if (token != null || adminToken != null) {
      throw new UsageException((token != null ? "--token" : "--admin-token") + " on the command line is visible to"
          + " every local user; use UMBRA_TOKEN/UMBRA_ADMIN_TOKEN, the --config file, or the credential files the"
          + " shadow makes in DATA/credentials");
    }
    ShadowConfig config = ConfigParser.parse(flags(), Optional.ofNullable(configFile), System.getenv());
    // First, so that what the shadow allocates from here on is charged to its own cgroup
    SelfIsolation isolation = SelfIsolation.apply(config.limits());
    Shadow shadow;
    try {
      shadow = Shadow.start(config, Clock.systemUTC());
    } catch (Exception | Error e) {
      isolation.close();
      throw e;
    }
    Thread hook = new Thread(() -> {
      shadow.close();
      isolation.close();
    }, "umbra-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.err.println("umbra: shadow listening on " + format(shadow) + " (Ctrl-C to stop)");
    shadow.awaitTermination();
    shadow.close();
    isolation.close();
    return 0;
  }

  private static String format(Shadow shadow) {
    var address = shadow.grpcAddress();
    return address.getHostString() + ":" + address.getPort();
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("host", host);
    flags.put("port", port);
    flags.put("http-host", httpHost);
    flags.put("http-port", httpPort);
    flags.put("data", data);
    flags.put("tls-cert", tlsCert);
    flags.put("tls-key", tlsKey);
    flags.put("cpu", cpu);
    flags.put("memory", memory);
    flags.put("exit-when-idle", exitWhenIdle);
    flags.put("checkpoint-every", checkpointEvery);
    flags.put("checkpoint-quiet", checkpointQuiet);
    flags.put("alert-webhook", alertWebhook);
    flags.put("manage", manage);
    flags.put("allocator", allocator);
    flags.put("act", act ? "true" : null);
    flags.put("kafka", kafka);
    flags.put("kafka-buffer", kafkaBuffer);
    flags.put("kafka-batch", kafkaBatch);
    flags.put("fleet-id", fleetId);
    return flags;
  }
}
