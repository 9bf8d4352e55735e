package dev.umbra.shadow.config;

import dev.umbra.shadow.action.ActionPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a shadow process is configured with, built once by {@link ConfigParser} and then
 * passed down; nothing later reads system properties or the environment.
 *
 * @param grpc where the gRPC API listens
 * @param http where /metrics and the dashboard listen
 * @param dataDir the folder for history, models and checkpoints
 * @param security tokens and TLS
 * @param limits isolation of the shadow itself
 * @param checkpoints when checkpoints are taken and trusted
 * @param alerts where anomaly alerts go besides the log and /metrics
 * @param manage what the resource manager does and through which allocator
 * @param fleet Kafka, when this shadow is one node of a fleet
 * @param act whether and how the shadow acts on anomalies (roll back, scale up)
 * @param forecast how often the live LSTMs are trained and how much history a first version needs
 */
public record ShadowConfig(
    Endpoint grpc, Endpoint http, Path dataDir, Security security, Limits limits, Checkpoints checkpoints,
    Alerts alerts, Manage manage, Fleet fleet, Act act, Forecast forecast) {

  public static final int DEFAULT_GRPC_PORT = 7070;
  public static final int DEFAULT_HTTP_PORT = 7071;
  public static final String DEFAULT_HOST = "127.0.0.1";

  public ShadowConfig {
    Objects.requireNonNull(grpc, "grpc");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(checkpoints, "checkpoints");
    Objects.requireNonNull(alerts, "alerts");
    Objects.requireNonNull(manage, "manage");
    Objects.requireNonNull(fleet, "fleet");
    Objects.requireNonNull(act, "act");
    Objects.requireNonNull(forecast, "forecast");
  }

  /** With the forecasting defaults ({@link Forecast#defaults()}). */
  public ShadowConfig(Endpoint grpc, Endpoint http, Path dataDir, Security security, Limits limits,
      Checkpoints checkpoints, Alerts alerts, Manage manage, Fleet fleet, Act act) {
    this(grpc, http, dataDir, security, limits, checkpoints, alerts, manage, fleet, act, Forecast.defaults());
  }

  /**
   * Training of the live LSTMs (docs/forecasting.md, "Live models").
   *
   * @param checkEvery how often the trainer looks for workloads to train ({@code forecast-check-every})
   * @param trainEvery a workload's model gets a new version at most this often ({@code forecast-train-every})
   * @param minBlocks blocks (one per horizon) with a known target a first version needs ({@code forecast-min-blocks})
   */
  public record Forecast(Duration checkEvery, Duration trainEvery, int minBlocks) {
    public Forecast {
      Objects.requireNonNull(checkEvery, "checkEvery");
      Objects.requireNonNull(trainEvery, "trainEvery");
      if (checkEvery.toSeconds() < 1) {
        throw new IllegalArgumentException("forecast-check-every must be at least 1s, got " + checkEvery);
      }
      if (trainEvery.toSeconds() < 1) {
        throw new IllegalArgumentException("forecast-train-every must be at least 1s, got " + trainEvery);
      }
      if (minBlocks < 4) {
        throw new IllegalArgumentException("forecast-min-blocks must be at least 4, got " + minBlocks);
      }
    }

    /** Look every 30 s, a new version at most every 10 minutes, 30 blocks for a first one. */
    public static Forecast defaults() {
      return new Forecast(Duration.ofSeconds(30), Duration.ofMinutes(10), 30);
    }
  }

  /** Without alert, resource-manager or fleet settings: alerts go to the log and /metrics only, no resource manager, no Kafka. */
  public ShadowConfig(
      Endpoint grpc, Endpoint http, Path dataDir, Security security, Limits limits, Checkpoints checkpoints) {
    this(grpc, http, dataDir, security, limits, checkpoints, Alerts.none(), Manage.off(), Fleet.none(), Act.off());
  }

  /**
   * Acting on anomalies (docs/anomalies.md, "Acting on anomalies"): with {@code on}, every anomaly
   * goes to the action policy, which rolls back primaries that registered checkpointable state (in
   * place, through the agent's app engine) and scales up through the allocator of {@code manage}.
   *
   * @param on {@code act} ({@code umbra serve --act})
   * @param policy the rules, budgets, cooldown and steps ({@code act-*})
   */
  public record Act(boolean on, ActionPolicy policy) {
    public Act {
      Objects.requireNonNull(policy, "policy");
    }

    /** Not acting; the policy's defaults. */
    public static Act off() {
      return new Act(false, ActionPolicy.defaults());
    }
  }

  /** @param webhook where each anomaly is POSTed as JSON, if anywhere (http or https) */
  public record Alerts(Optional<URI> webhook) {
    public Alerts {
      Objects.requireNonNull(webhook, "webhook");
      webhook.ifPresent(uri -> {
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
          throw new IllegalArgumentException("'" + uri + "' is not an http(s) URL");
        }
      });
    }

    public static Alerts none() {
      return new Alerts(Optional.empty());
    }
  }

  /**
   * Fleet mode: series and events out to Kafka, models back (see {@code dev.umbra.shadow.fleet}).
   *
   * @param kafka bootstrap servers ({@code host:port,...}); empty: no fleet
   * @param bufferBytes bound on what waits for Kafka's acknowledgement; past it the oldest is dropped and counted
   * @param batch seconds of one primary's series per Kafka record
   * @param id this shadow's name in the fleet (pod or node name); empty: its gRPC address
   */
  public record Fleet(Optional<String> kafka, long bufferBytes, Duration batch, Optional<String> id) {
    public static final long DEFAULT_BUFFER_BYTES = 64L << 20;
    public static final Duration DEFAULT_BATCH = Duration.ofSeconds(2);

    public Fleet {
      Objects.requireNonNull(kafka, "kafka");
      Objects.requireNonNull(batch, "batch");
      Objects.requireNonNull(id, "id");
      if (bufferBytes < 1024) {
        throw new IllegalArgumentException("kafka-buffer must be at least 1k, got " + bufferBytes + " bytes");
      }
      if (batch.toSeconds() < 1) {
        throw new IllegalArgumentException("kafka-batch must be at least 1s, got " + batch);
      }
    }

    public static Fleet none() {
      return new Fleet(Optional.empty(), DEFAULT_BUFFER_BYTES, DEFAULT_BATCH, Optional.empty());
    }
  }

  /** A configuration with defaults for everything but where to listen and where to keep data. */
  public static ShadowConfig of(Endpoint grpc, Endpoint http, Path dataDir) {
    return new ShadowConfig(grpc, http, dataDir, Security.none(), Limits.none(), Checkpoints.defaults());
  }

  /**
   * @param every checkpoint every connected primary this often (empty: only on request)
   * @param quietPeriod how long a checkpoint must go without an anomaly to become known-good
   */
  public record Checkpoints(Optional<Duration> every, Duration quietPeriod) {
    public Checkpoints {
      Objects.requireNonNull(every, "every");
      Objects.requireNonNull(quietPeriod, "quietPeriod");
    }

    public static Checkpoints defaults() {
      return new Checkpoints(Optional.empty(), Duration.ofSeconds(30));
    }
  }

  /** A host and port to listen on; port 0 picks a free one. */
  public record Endpoint(String host, int port) {
    public Endpoint {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not in 0..65535");
      }
    }

    /** True for 127.0.0.0/8, ::1 and "localhost": no TLS or token needed. */
    public boolean isLoopback() {
      return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * Tokens and TLS. {@code token} lets agents and clients in; {@code adminToken} is needed for
   * calls that change a primary (checkpoint, rollback, sampling, allocation).
   */
  public record Security(
      Optional<String> token,
      Optional<String> adminToken,
      Optional<Path> tlsCert,
      Optional<Path> tlsKey) {
    public Security {
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(adminToken, "adminToken");
      Objects.requireNonNull(tlsCert, "tlsCert");
      Objects.requireNonNull(tlsKey, "tlsKey");
      if (tlsCert.isPresent() != tlsKey.isPresent()) {
        throw new IllegalArgumentException("tls-cert and tls-key must be given together");
      }
    }

    public static Security none() {
      return new Security(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean tls() {
      return tlsCert.isPresent();
    }
  }

  /**
   * Resources the shadow allows itself, so that it cannot starve its primaries (empty: no
   * cgroup of its own), whether it exits once no primary has been connected for a while
   * (a shadow an agent spawned), and how many primaries may stream to it at once.
   *
   * @param maxPrimaries connected primaries at once ({@code max-primaries}); one more is
   *     refused with RESOURCE_EXHAUSTED
   * @param maxPrimariesPerAddress connected primaries from one client host at once
   *     ({@code max-primaries-per-address}); defaults to {@code maxPrimaries}
   */
  public record Limits(Optional<Double> cpuCores, Optional<Long> memoryBytes, Optional<Duration> exitWhenIdle,
      int maxPrimaries, int maxPrimariesPerAddress) {
    public static final int DEFAULT_MAX_PRIMARIES = 1000;

    public Limits {
      Objects.requireNonNull(cpuCores, "cpuCores");
      Objects.requireNonNull(memoryBytes, "memoryBytes");
      Objects.requireNonNull(exitWhenIdle, "exitWhenIdle");
      if (maxPrimaries < 1) {
        throw new IllegalArgumentException("max-primaries must be at least 1, got " + maxPrimaries);
      }
      if (maxPrimariesPerAddress < 1) {
        throw new IllegalArgumentException("max-primaries-per-address must be at least 1, got " + maxPrimariesPerAddress);
      }
    }

    /** With the default number of primaries. */
    public Limits(Optional<Double> cpuCores, Optional<Long> memoryBytes, Optional<Duration> exitWhenIdle) {
      this(cpuCores, memoryBytes, exitWhenIdle, DEFAULT_MAX_PRIMARIES, DEFAULT_MAX_PRIMARIES);
    }

    public static Limits none() {
      return new Limits(Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /**
   * The resource manager (docs/architecture.md, "Resource manager"): per primary and resource,
   * every {@code every}, the forecast peak over {@code lead} at quantile {@code confidence} plus
   * {@code headroom}, applied through the allocator plugin named {@code allocator}.
   *
   * @param mode off, recommend (record what would be done) or auto (apply)
   * @param allocator the allocator plugin for CPU and memory: cgroup, kubernetes, log or jvm
   * @param allocatorSettings the plugin's own settings ({@code allocator-options = k=v,k=v})
   * @param confidence the quantile of the forecast peak to cover, in (0, 1)
   * @param threshold scale up only when P(demand &gt; current) is at least this, in [0, 1]
   * @param lead how far ahead the forecast peak must be covered (actuation lead time)
   * @param every how often the manager decides
   * @param headroom added on top of the predicted need, a fraction (0.1 = 10 %)
   * @param band hysteresis: scale down only when the need is this fraction below the allocation
   * @param cooldown no scale-down sooner than this after any change of the same resource
   * @param maxStep a change multiplies or divides the allocation by at most this (&gt; 1)
   * @param cpuMin smallest CPU allocation, cores
   * @param cpuMax largest CPU allocation, cores
   * @param memoryMin smallest memory allocation, bytes
   * @param memoryMax largest memory allocation, bytes
   * @param jvm whether to shrink the JVM's heap (jvm allocator) before lowering memory
   * @param pod namespace/pod/container of the primary for the kubernetes allocator
   * @param io whether to limit disk read and write bandwidth too (where the allocator can)
   * @param ioMin smallest disk bandwidth limit, bytes per second: the floor that keeps a throttle
   *     from starving the primary
   * @param ioMax largest disk bandwidth limit, bytes per second
   */
  public record Manage(
      Mode mode, String allocator, Map<String, String> allocatorSettings, double confidence,
      double threshold, Duration lead, Duration every, double headroom, double band, Duration cooldown,
      double maxStep, double cpuMin, double cpuMax, long memoryMin, long memoryMax, boolean jvm,
      Optional<String> pod, boolean io, long ioMin, long ioMax) {

    /** The default floor of a disk bandwidth limit, 32 MiB/s. */
    public static final long DEFAULT_IO_MIN = 32L << 20;
    /** The default ceiling of a disk bandwidth limit, 1 TiB/s: none in practice. */
    public static final long DEFAULT_IO_MAX = 1L << 40;

    /** What the manager may do. */
    public enum Mode {
      /** No manager runs. */
      OFF,
      /** Decide and record; apply nothing. */
      RECOMMEND,
      /** Decide, apply and record. */
      AUTO
    }

    public Manage {
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(allocator, "allocator");
      allocatorSettings = Map.copyOf(allocatorSettings);
      Objects.requireNonNull(lead, "lead");
      Objects.requireNonNull(every, "every");
      Objects.requireNonNull(cooldown, "cooldown");
      Objects.requireNonNull(pod, "pod");
      if (!(confidence > 0 && confidence < 1)) {
        throw new IllegalArgumentException("manage-confidence: " + confidence + " is not in (0, 1)");
      }
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new IllegalArgumentException("manage-threshold: " + threshold + " is not in [0, 1]");
      }
      if (lead.toSeconds() < 1 || every.toMillis() < 100) {
        throw new IllegalArgumentException("manage-lead must be >= 1s and manage-every >= 100ms");
      }
      if (!(headroom >= 0 && headroom <= 10) || !(band >= 0 && band < 1) || !(maxStep > 1)) {
        throw new IllegalArgumentException("manage-headroom must be in [0, 10], manage-band in [0, 1), manage-max-step > 1");
      }
      if (!(cpuMin > 0) || cpuMax < cpuMin) {
        throw new IllegalArgumentException("manage-cpu-min " + cpuMin + " must be > 0 and <= manage-cpu-max " + cpuMax);
      }
      if (memoryMin <= 0 || memoryMax < memoryMin) {
        throw new IllegalArgumentException("manage-memory-min " + memoryMin + " must be > 0 and <= manage-memory-max " + memoryMax);
      }
      if (ioMin <= 0 || ioMax < ioMin) {
        throw new IllegalArgumentException("manage-io-min " + ioMin + " must be > 0 and <= manage-io-max " + ioMax);
      }
    }

    /** Without disk bandwidth management ({@code io} false, the default floor and ceiling). */
    public Manage(
        Mode mode, String allocator, Map<String, String> allocatorSettings, double confidence,
        double threshold, Duration lead, Duration every, double headroom, double band, Duration cooldown,
        double maxStep, double cpuMin, double cpuMax, long memoryMin, long memoryMax, boolean jvm,
        Optional<String> pod) {
      this(mode, allocator, allocatorSettings, confidence, threshold, lead, every, headroom, band, cooldown, maxStep,
          cpuMin, cpuMax, memoryMin, memoryMax, jvm, pod, false, DEFAULT_IO_MIN, DEFAULT_IO_MAX);
    }

    /** The manager off; the other values are the defaults. */
    public static Manage off() {
      return new Manage(Mode.OFF, "cgroup", Map.of(), 0.95, 0.1, Duration.ofSeconds(10),
          Duration.ofSeconds(2), 0.1, 0.2, Duration.ofSeconds(30), 2.0, 0.05, 64, 32L << 20, 1L << 40, true,
          Optional.empty());
    }
  }
}
