package dev.umbra.agent.config;

import dev.umbra.agent.log.LogLevel;
import dev.umbra.units.Durations;
import dev.umbra.units.Sizes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The agent's whole configuration, parsed once by {@link #parse}. Each key can be given as an
 * agent option ({@code -javaagent:umbra-agent.jar=shadow=host:port,criticality=high}), as a
 * system property ({@code -Dumbra.shadow=…}) or as an environment variable
 * ({@code UMBRA_SHADOW=…}, dots become underscores); that is also the order of precedence.
 *
 * @param bufferBatches how many batches the agent keeps while the shadow is slow or gone
 * @param ioHooks whether the Byte Buddy I/O hooks are installed
 * @param ioDetail what the hooks record beside the exact totals; by default from the criticality
 *     at start ({@link IoDetail#of}), not changed by a later {@code SetSampling}
 * @param jfr whether the JFR recording stream runs
 * @param stackDepth frames kept per execution sample
 * @param startDelay how long after the JVM started ({@code -javaagent}) the agent starts its
 *     parts (hooks, JFR, sampler, transport), so that it does not compete with the
 *     application's own start-up; {@link Duration#ZERO} starts them at once. Ignored when
 *     attached to a running JVM.
 */
public record AgentConfig(
    ShadowTargets shadow,
    Sampling sampling,
    int bufferBatches,
    boolean ioHooks,
    IoDetail ioDetail,
    boolean jfr,
    LogLevel logLevel,
    Map<String, String> tags,
    int stackDepth,
    Duration startDelay) {

  /** Every key the agent knows, in the order {@code --help}-style messages list them. */
  static final List<String> KEYS =
      List.of(
          "shadow", "criticality", "batch.period", "gauge.period", "execution.period",
          "histogram.period", "top.classes", "io.threshold", "contention.threshold",
          "buffer.batches", "io.hooks", "jfr", "log", "tags", "stack.depth", "start.delay",
          // diagnostic: switch parts off one at a time to measure what each costs (agent/BENCHMARK.md)
          "io.detail", "alloc.samples",
          // how the shadow is reached and, for shadow=spawn, started (ShadowTargets)
          "token", "token.file", "tls", "tls.ca", "home", "spawn.heap", "spawn.offheap", "spawn.cpu", "spawn.memory",
          "spawn.idle", "spawn.data", "spawn.http.port");

  public static final ShadowAddress DEFAULT_SHADOW = new ShadowAddress("127.0.0.1", 7070);

  /** Chosen by measurement (agent/BENCHMARK.md): past the start-up of a small server. */
  public static final Duration DEFAULT_START_DELAY = Duration.ofSeconds(2);

  public AgentConfig {
    Objects.requireNonNull(shadow, "shadow");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(ioDetail, "ioDetail");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(startDelay, "startDelay");
    tags = Map.copyOf(tags);
    if (bufferBatches < 1) {
      throw new IllegalArgumentException("bufferBatches must be at least 1: " + bufferBatches);
    }
    if (stackDepth < 1) {
      throw new IllegalArgumentException("stackDepth must be at least 1: " + stackDepth);
    }
  }

  /** This config with the I/O hooks switched off (when they cannot be installed). */
  public AgentConfig withoutIoHooks() {
    return new AgentConfig(shadow, sampling, bufferBatches, false, ioDetail, jfr, logLevel, tags, stackDepth, startDelay);
  }

  /** The configuration with every default. */
  public static AgentConfig defaults() {
    return new AgentConfig(ShadowTargets.of(DEFAULT_SHADOW), Sampling.preset(Criticality.NORMAL), 300, true, IoDetail.of(Criticality.NORMAL), true,
        LogLevel.WARN, Map.of(), 8, DEFAULT_START_DELAY);
  }

  /**
   * Parses the agent options string (may be null or empty), the system properties and the
   * environment into one config.
   *
   * @throws ConfigException naming the key, where it came from and the value, for the first
   *     bad or unknown option
   */
  public static AgentConfig parse(String agentArgs, Map<String, String> systemProperties,
      Map<String, String> env) throws ConfigException {
    Map<String, Setting> settings = new TreeMap<>();
    for (String key : KEYS) {
      String env_key = "UMBRA_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
      if (env.containsKey(env_key)) {
        settings.put(key, new Setting(key, env.get(env_key), "environment variable " + env_key));
      }
      String property = "umbra." + key;
      if (systemProperties.containsKey(property)) {
        settings.put(key, new Setting(key, systemProperties.get(property), "-D" + property));
      }
    }
    settings.putAll(parseOptions(agentArgs));
    return build(settings, systemProperties);
  }

  private static Map<String, Setting> parseOptions(String agentArgs) throws ConfigException {
    Map<String, Setting> options = new LinkedHashMap<>();
    if (agentArgs == null || agentArgs.isBlank()) {
      return options;
    }
    String previous = null;
    for (String part : agentArgs.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 0 && "shadow".equals(previous)) {
        // shadow=a:7070,b:7070: a list of shadows, since ',' also separates the options
        Setting list = options.get("shadow");
        options.put("shadow", new Setting("shadow", list.value + "," + part.trim(), list.source));
        continue;
      }
      if (eq <= 0) {
        throw new ConfigException("agent option '" + part.trim() + "' is not key=value");
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (!KEYS.contains(key)) {
        throw new ConfigException("unknown agent option '" + key + "' (known: " + String.join(", ", KEYS) + ")");
      }
      options.put(key, new Setting(key, part.substring(eq + 1).trim(), "agent option"));
      previous = key;
    }
    return options;
  }

  private static AgentConfig build(Map<String, Setting> settings, Map<String, String> systemProperties)
      throws ConfigException {
    AgentConfig defaults = defaults();
    Criticality criticality = Criticality.NORMAL;
    Setting critical = settings.get("criticality");
    if (critical != null) {
      criticality = Criticality.parse(critical.value)
          .orElseThrow(() -> critical.bad("expected low, normal or high"));
    }
    Sampling sampling = Sampling.preset(criticality);
    Setting shadow = null;
    Map<String, Setting> link = new TreeMap<>();
    int buffer = defaults.bufferBatches();
    boolean ioHooks = true;
    IoDetail ioDetail = IoDetail.of(criticality);
    boolean jfr = true;
    LogLevel log = defaults.logLevel();
    Map<String, String> tags = Map.of();
    int stackDepth = defaults.stackDepth();
    Duration startDelay = defaults.startDelay();
    for (Setting s : settings.values()) {
      switch (s.key) {
        case "shadow" -> shadow = s;
        case "token", "token.file", "tls", "tls.ca", "home", "spawn.heap", "spawn.offheap", "spawn.cpu", "spawn.memory",
            "spawn.idle", "spawn.data", "spawn.http.port" -> link.put(s.key, s);
        case "batch.period" -> sampling = sampling.withBatchPeriod(s.positiveDuration());
        case "gauge.period" -> sampling = sampling.withGaugePeriod(s.positiveDuration());
        case "execution.period" -> sampling = sampling.withExecutionSamplePeriod(s.durationOrOff());
        case "histogram.period" -> sampling = sampling.withClassHistogramPeriod(s.durationOrOff());
        case "top.classes" -> sampling = sampling.withTopClasses(s.integer(1, 10_000));
        case "io.threshold" -> sampling = sampling.withIoEventThreshold(s.durationOrOff());
        case "contention.threshold" -> sampling = sampling.withContentionThreshold(s.durationOrOff());
        case "buffer.batches" -> buffer = s.integer(1, 1_000_000);
        case "io.hooks" -> ioHooks = s.bool();
        case "io.detail" -> ioDetail = IoDetail.parse(s.value).orElseThrow(() -> s.bad("expected full, sampled or off"));
        case "alloc.samples" -> sampling = sampling.withAllocationSamplesPerSecond(s.integer(0, 1_000_000));
        case "jfr" -> jfr = s.bool();
        case "log" -> log = LogLevel.parse(s.value).orElseThrow(() -> s.bad("expected error, warn, info or debug"));
        case "tags" -> tags = s.tags();
        case "stack.depth" -> stackDepth = s.integer(1, 256);
        case "start.delay" -> startDelay = s.durationOrOff();
        case "criticality" -> { } // applied first, as the preset
        default -> throw new IllegalStateException("unhandled key " + s.key);
      }
    }
    ShadowTargets targets = ShadowTargetsParser.parse(shadow, link, systemProperties);
    return new AgentConfig(targets, sampling, buffer, ioHooks, ioDetail, jfr, log, tags, stackDepth, startDelay);
  }

  record Setting(String key, String value, String source) {
    ConfigException bad(String expected) {
      return new ConfigException("bad value for " + key + " (" + source + "): '" + value + "'; " + expected);
    }

    ShadowAddress address(String text) throws ConfigException {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw bad("expected host:port, spawn or spawn:host:port, separated by '|' or ','");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        return new ShadowAddress(host, Integer.parseInt(text.substring(colon + 1)));
      } catch (IllegalArgumentException e) {
        throw bad("expected host:port with a port in 1..65535 (in '" + text + "')");
      }
    }

    /** The key and where it came from, first words of an error from the shared grammar. */
    private String where() {
      return key + " (" + source + ")";
    }

    Duration positiveDuration() throws ConfigException {
      try {
        return Durations.parsePositive(where(), value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
    }

    Duration durationOrOff() throws ConfigException {
      if (value.equalsIgnoreCase("off")) {
        return Duration.ZERO;
      }
      try {
        return Durations.parse(where(), value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage() + ", or off");
      }
    }

    long bytes() throws ConfigException {
      try {
        return Sizes.parse(where(), value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
    }

    int integer(int min, int max) throws ConfigException {
      try {
        int n = Integer.parseInt(value);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw bad("expected an integer in " + min + ".." + max);
    }

    boolean bool() throws ConfigException {
      if (Set.of("true", "on", "yes").contains(value.toLowerCase(Locale.ROOT))) {
        return true;
      }
      if (Set.of("false", "off", "no").contains(value.toLowerCase(Locale.ROOT))) {
        return false;
      }
      throw bad("expected true or false");
    }

    Map<String, String> tags() throws ConfigException {
      Map<String, String> tags = new TreeMap<>();
      for (String pair : value.split(";")) {
        if (pair.isBlank()) {
          continue;
        }
        int colon = pair.indexOf(':');
        if (colon <= 0) {
          throw bad("expected tags as key:value;key:value");
        }
        tags.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
      }
      return tags;
    }
  }
}
