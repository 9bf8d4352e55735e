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
 * @param alerts where anomaly alerts go besides the log and /metrics
 */
public record ShadowConfig(
    Endpoint grpc, Endpoint http, Path dataDir, Security security, Limits limits, Checkpoints checkpoints,
    Alerts alerts) {

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
  }

  /** Without alert settings: alerts go to the log and /metrics only. */
  public ShadowConfig(
      Endpoint grpc, Endpoint http, Path dataDir, Security security, Limits limits, Checkpoints checkpoints) {
    this(grpc, http, dataDir, security, limits, checkpoints, Alerts.none());
  }

  /** @param webhook where each anomaly is POSTed as JSON, if anywhere (http or https) */
  public record Alerts(Optional<java.net.URI> webhook) {
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
