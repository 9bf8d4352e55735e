package dev.umbra.shadow.config;

import java.nio.file.Path;
import java.time.Duration;
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
 * @param fleet Kafka, when this shadow is one node of a fleet
 */
public record ShadowConfig(
    Endpoint grpc, Endpoint http, Path dataDir, Security security, Limits limits, Checkpoints checkpoints,
    Fleet fleet) {

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
    Objects.requireNonNull(fleet, "fleet");
  }

  /** A shadow that is not part of a fleet. */
  public ShadowConfig(
      Endpoint grpc, Endpoint http, Path dataDir, Security security, Limits limits, Checkpoints checkpoints) {
    this(grpc, http, dataDir, security, limits, checkpoints, Fleet.none());
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
   * cgroup of its own), and whether it exits once no primary has been connected for a while
   * (a shadow an agent spawned).
   */
  public record Limits(Optional<Double> cpuCores, Optional<Long> memoryBytes, Optional<Duration> exitWhenIdle) {
    public Limits {
      Objects.requireNonNull(cpuCores, "cpuCores");
      Objects.requireNonNull(memoryBytes, "memoryBytes");
      Objects.requireNonNull(exitWhenIdle, "exitWhenIdle");
    }

    public static Limits none() {
      return new Limits(Optional.empty(), Optional.empty(), Optional.empty());
    }
  }
}
