package dev.umbra.shadow.config;

import dev.umbra.units.Durations;
import dev.umbra.units.Sizes;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a {@link ShadowConfig} from its sources. Every key has one spelling, used as is in the
 * config file ({@code http-port = 7071}), as a command-line flag ({@code --http-port}) and, upper
 * case with {@code _}, as an environment variable ({@code UMBRA_HTTP_PORT}). Precedence, highest
 * first: command line, environment, config file, defaults.
 *
 * <p>Pure: it reads only the file it is given and the maps it is passed.
 */
public final class ConfigParser {

  /** Every key a shadow understands. */
  public static final Set<String> KEYS =
      Set.of(
          "host", "port", "http-host", "http-port", "data", "token", "admin-token", "tls-cert",
          "tls-key", "cpu", "memory", "exit-when-idle", "max-primaries", "max-primaries-per-address",
          "checkpoint-every", "checkpoint-quiet",
          "alert-webhook",
          // the resource manager (ManageParser)
          "manage", "allocator", "allocator-options", "manage-confidence", "manage-threshold", "manage-lead",
          "manage-every", "manage-headroom", "manage-band", "manage-cooldown", "manage-max-step", "manage-cpu-min",
          "manage-cpu-max", "manage-memory-min", "manage-memory-max", "manage-jvm", "pod", "manage-io",
          "manage-io-min", "manage-io-max",
          // acting on anomalies (ActParser)
          "act", "act-rules", "act-min-score", "act-cooldown", "act-budget", "act-window", "act-cpu-step",
          "act-memory-step",
          // fleet mode (Kafka)
          "kafka", "kafka-buffer", "kafka-batch", "fleet-id",
          // training of the live forecast models
          "forecast-check-every", "forecast-train-every", "forecast-min-blocks");

  private ConfigParser() {}

  /**
   * @param flags values given on the command line, by key
   * @param configFile a properties file, when one was named
   * @param env the process environment
   */
  public static ShadowConfig parse(
      Map<String, String> flags, Optional<Path> configFile, Map<String, String> env)
      throws ConfigException {
    Map<String, String> values = new LinkedHashMap<>();
    if (configFile.isPresent()) {
      values.putAll(readFile(configFile.get()));
    }
    for (String key : KEYS) {
      String fromEnv = env.get(envName(key));
      if (fromEnv != null && !fromEnv.isBlank()) {
        values.put(key, fromEnv.trim());
      }
    }
    flags.forEach(
        (key, value) -> {
          if (value != null) {
            values.put(key, value);
          }
        });
    return build(new Values(values));
  }

  /** {@code http-port} → {@code UMBRA_HTTP_PORT}. */
  public static String envName(String key) {
    return "UMBRA_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static ShadowConfig build(Values v) throws ConfigException {
    String host = v.string("host", ShadowConfig.DEFAULT_HOST);
    var grpc = new ShadowConfig.Endpoint(host, v.port("port", ShadowConfig.DEFAULT_GRPC_PORT));
    var http =
        new ShadowConfig.Endpoint(
            v.string("http-host", host), v.port("http-port", ShadowConfig.DEFAULT_HTTP_PORT));
    Path data = Path.of(v.string("data", defaultDataDir()));
    ShadowConfig.Security security;
    try {
      security =
          new ShadowConfig.Security(
              v.optional("token"),
              v.optional("admin-token"),
              v.optional("tls-cert").map(Path::of),
              v.optional("tls-key").map(Path::of));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    if (!grpc.isLoopback() && (!security.tls() || security.token().isEmpty())) {
      // both: a token without TLS would cross the network in clear text
      throw new ConfigException(
          "host " + host + " is not loopback: set tls-cert/tls-key and a token to listen on it");
    }
    int maxPrimaries = v.positiveInt("max-primaries", ShadowConfig.Limits.DEFAULT_MAX_PRIMARIES);
    var limits =
        new ShadowConfig.Limits(
            v.cores("cpu"), v.bytes("memory"), v.optionalDuration("exit-when-idle"),
            maxPrimaries, v.positiveInt("max-primaries-per-address", maxPrimaries));
    var checkpoints =
        new ShadowConfig.Checkpoints(
            v.optionalDuration("checkpoint-every"),
            v.optionalDuration("checkpoint-quiet").orElse(ShadowConfig.Checkpoints.defaults().quietPeriod()));
    ShadowConfig.Alerts alerts;
    try {
      alerts = new ShadowConfig.Alerts(v.optional("alert-webhook").map(URI::create));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("alert-webhook: " + e.getMessage());
    }
    ShadowConfig.Fleet fleet;
    try {
      fleet =
          new ShadowConfig.Fleet(
              v.optional("kafka"),
              v.bytes("kafka-buffer").orElse(ShadowConfig.Fleet.DEFAULT_BUFFER_BYTES),
              v.optionalDuration("kafka-batch").orElse(ShadowConfig.Fleet.DEFAULT_BATCH),
              v.optional("fleet-id"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return new ShadowConfig(grpc, http, data, security, limits, checkpoints, alerts, ManageParser.parse(v.map()), fleet,
        ActParser.parse(v.map()), forecast(v.map()));
  }

  private static ShadowConfig.Forecast forecast(Map<String, String> values) throws ConfigException {
    ShadowConfig.Forecast d = ShadowConfig.Forecast.defaults();
    try {
      return new ShadowConfig.Forecast(ConfigValues.duration(values, "forecast-check-every", d.checkEvery()),
          ConfigValues.duration(values, "forecast-train-every", d.trainEvery()),
          ConfigValues.whole(values, "forecast-min-blocks", d.minBlocks()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static String defaultDataDir() {
    return Path.of(".umbra").toAbsolutePath().normalize().toString();
  }

  private static Map<String, String> readFile(Path file) throws ConfigException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read config file " + file + ": " + describe(e), e);
    }
    Set<String> unknown = new TreeSet<>(properties.stringPropertyNames());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new ConfigException(
          "config file " + file + ": unknown key(s) " + unknown + "; known keys: " + new TreeSet<>(KEYS));
    }
    Map<String, String> values = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k).trim()));
    return values;
  }

  private static String describe(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Typed access to the merged values; each failure names the key and the value. */
  private record Values(Map<String, String> map) {
    String string(String key, String fallback) {
      String value = map.get(key);
      return value == null || value.isBlank() ? fallback : value;
    }

    Optional<String> optional(String key) {
      return Optional.ofNullable(map.get(key)).filter(s -> !s.isBlank());
    }

    int port(String key, int fallback) throws ConfigException {
      Optional<String> value = optional(key);
      if (value.isEmpty()) {
        return fallback;
      }
      try {
        int port = Integer.parseInt(value.get());
        if (port >= 0 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new ConfigException(key + ": '" + value.get() + "' is not a port (0..65535)");
    }

    int positiveInt(String key, int fallback) throws ConfigException {
      Optional<String> value = optional(key);
      if (value.isEmpty()) {
        return fallback;
      }
      try {
        int n = Integer.parseInt(value.get());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new ConfigException(key + ": '" + value.get() + "' is not a whole number from 1 to " + Integer.MAX_VALUE);
    }

    Optional<Double> cores(String key) throws ConfigException {
      Optional<String> value = optional(key);
      try {
        return value.map(Quantities::parseCores);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ": " + e.getMessage());
      }
    }

    Optional<Long> bytes(String key) throws ConfigException {
      Optional<String> value = optional(key);
      try {
        return value.map(v -> Sizes.parsePositive(key, v));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
    }

    Optional<Duration> optionalDuration(String key) throws ConfigException {
      Optional<String> value = optional(key);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(Durations.parsePositive(key, value.get()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
    }
  }
}
