package dev.umbra.shadow.cli;

import dev.umbra.shadow.action.ActionPolicy;
import dev.umbra.shadow.config.ConfigException;
import dev.umbra.shadow.config.ConfigParser;
import dev.umbra.shadow.config.Quantities;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.supervisor.PrimaryCommand;
import dev.umbra.shadow.supervisor.Supervisor;
import dev.umbra.units.Durations;
import dev.umbra.units.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code umbra run}: supervise a primary. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    // each element is a paragraph (picocli wraps it); the first is the summary in 'umbra --help'
    description = {
      "Supervise a primary: run it in its own cgroup, checkpoint it and roll it back on anomalies.",
      "Starts a shadow in this process and injects the agent into the primary. The primary's exit code"
          + " is umbra run's; SIGTERM, SIGINT and SIGHUP are forwarded to it.",
      "Example: umbra run --cpu 1.5 --memory 512m --checkpoint-every 30s -- java -jar app.jar"
    })
final class RunCommand implements Callable<Integer> {
  @Option(names = "--cpu", paramLabel = "CORES", description = "CPU limit of the primary's cgroup.")
  String cpu;

  @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit of the primary's cgroup (e.g. 512m).")
  String memory;

  @Option(names = "--checkpoint-every", paramLabel = "DURATION", description = "Checkpoint period (e.g. 30s); none: no periodic checkpoints.")
  String checkpointEvery;

  @Option(names = "--checkpoint-quiet", paramLabel = "DURATION", defaultValue = "30s",
      description = "A checkpoint becomes known-good after this long without an anomaly (default ${DEFAULT-VALUE}).")
  String checkpointQuiet;

  @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
      description = "Checkpoint engine: auto (app once the primary registers state, else restart), app, crac, restart (default ${DEFAULT-VALUE}).")
  String engine;

  @Option(names = "--auto-rollback", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Roll back automatically on anomalies (default on; --no-auto-rollback to turn off).")
  boolean autoRollback;

  @Option(names = "--rollback-min-score", paramLabel = "SCORE", defaultValue = "0.5", description = "Least anomaly score (0..1) that triggers a rollback (default ${DEFAULT-VALUE}).")
  double minScore;

  @Option(names = "--rollback-cooldown", paramLabel = "DURATION", defaultValue = "30s", description = "Least time between two automatic rollbacks (default ${DEFAULT-VALUE}).")
  String cooldown;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "gRPC port of the shadow (default: any free port, printed).")
  int port;

  @Option(names = "--data", paramLabel = "DIR", description = "The shadow's data folder (default: a temporary one, removed at the end).")
  Path data;

  @Option(names = "--agent-jar", paramLabel = "JAR", description = "The umbra-agent.jar to inject (default: found like 'umbra attach' does).")
  Path agentJar;

  @Option(names = "--agent-options", paramLabel = "OPTIONS", defaultValue = "", description = "More agent options, e.g. criticality=high.")
  String agentOptions;

  @Option(names = "--rollback-series", paramLabel = "SERIES", split = ",",
      description = "Only anomalies involving one of these series (e.g. threads.live,gc.pause) trigger a rollback (default: any).")
  List<String> rollbackSeries = List.of();

  @Option(names = "--manage", paramLabel = "MODE", defaultValue = "off",
      description = "Resource manager on the primary's cgroup: off (default), recommend or auto; tune it with UMBRA_MANAGE_* as for 'umbra serve'.")
  String manage;

  @picocli.CommandLine.ParentCommand UmbraCli parent;

  @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The primary's command line, after --: a java executable and its arguments.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    // Every option is checked before anything (temporary folder, cgroup, shadow) exists
    Plan plan = plan();
    Optional<String> missing = Supervisor.missingFor(engine, plan.primary());
    if (missing.isPresent()) {
      throw new EngineUnavailableException("--engine " + engine + ": " + missing.get());
    }
    Path agent = AttachCommand.locateAgentJar(agentJar, System.getenv(), AttachCommand.shadowJarFolder())
        .orElseThrow(() -> new AttachCommand.AttachFailedException("cannot find umbra-agent.jar: give --agent-jar or set UMBRA_AGENT_JAR"));
    if (!isVerbose()) {
      // the primary owns the terminal; the supervisor speaks in 'umbra run:' lines
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
    boolean temporary = data == null;
    Path dataDir = temporary ? Files.createTempDirectory("umbra-run") : data;
    try (SupervisedRun run = SupervisedRun.start(plan.settings(dataDir), plan.primary(), agent, agentOptions,
        Optional.empty(), RunCommand::say, Clock.systemUTC())) {
      say("shadow on 127.0.0.1:" + run.shadow().grpcAddress().getPort() + ", data " + dataDir + ", engine " + engine
          + plan.checkpoints().every().map(d -> ", checkpoint every " + d.toSeconds() + "s").orElse("")
          + (run.manage().mode() == ShadowConfig.Manage.Mode.OFF ? ""
              : ", manager " + run.manage().mode().name().toLowerCase(Locale.ROOT)));
      return run.run(name -> { });
    } finally {
      if (temporary) {
        deleteTree(dataDir);
      }
    }
  }

  /** The validated options: everything {@link SupervisedRun.Settings} holds but the data folder. */
  record Plan(PrimaryCommand primary, int port, SupervisedRun.Limits limits, SupervisedRun.Checkpointing checkpoints,
      SupervisedRun.Rollback rollback, ShadowConfig.Manage manage) {
    SupervisedRun.Settings settings(Path dataDir) {
      return new SupervisedRun.Settings(dataDir, port, limits, checkpoints, rollback, manage);
    }
  }

  /** Checks every option; a bad one is a {@link UsageException} naming it, its value and what is expected. */
  Plan plan() throws UsageException {
    if (port < 0 || port > 65535) {
      throw new UsageException("--port: " + port + " is not a port (0..65535)");
    }
    if (!List.of("auto", "app", "crac", "restart").contains(engine)) {
      throw new UsageException("--engine: '" + engine + "' is not auto, app, crac or restart");
    }
    if (!(minScore >= 0 && minScore <= 1)) {
      throw new UsageException("--rollback-min-score: " + minScore + " is not a score in 0..1");
    }
    Optional<Duration> every = checkpointEvery == null || checkpointEvery.equalsIgnoreCase("none")
        ? Optional.empty() : Optional.of(positiveDuration("--checkpoint-every", checkpointEvery, ", or none"));
    Duration quiet = positiveDuration("--checkpoint-quiet", checkpointQuiet, "");
    Duration pause = option("--rollback-cooldown", () -> Durations.parse("--rollback-cooldown", cooldown));
    var policy = ActionPolicy.rollbackOn(Set.copyOf(rollbackSeries), minScore, pause);
    Optional<Double> cpuCores = cpu == null ? Optional.empty() : Optional.of(option("--cpu", () -> Quantities.parseCores(cpu)));
    Optional<Long> memoryBytes = memory == null ? Optional.empty()
        : Optional.of(option("--memory", () -> Sizes.parsePositive("--memory", memory)));
    PrimaryCommand primary;
    ShadowConfig.Manage manager;
    try {
      primary = new PrimaryCommand(command);
      manager = manage(manage);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return new Plan(primary, port,
        new SupervisedRun.Limits("run-" + ProcessHandle.current().pid(), cpuCores, memoryBytes, true),
        new SupervisedRun.Checkpointing(engine, every, quiet),
        new SupervisedRun.Rollback(autoRollback ? Optional.of(policy) : Optional.empty()),
        manager);
  }

  private static Duration positiveDuration(String option, String text, String alternatives) throws UsageException {
    Duration d = option(option, () -> Durations.parse(option, text));
    if (d.isNegative() || d.isZero()) {
      throw new UsageException(option + ": '" + text + "' is not a positive duration (e.g. 30s, 5m" + alternatives + ")");
    }
    return d;
  }

  /** Runs {@code parse}; its IllegalArgumentException becomes a usage error prefixed with {@code option}. */
  private static <T> T option(String option, Supplier<T> parse) throws UsageException {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      throw new UsageException(message.startsWith(option) ? message : option + ": " + message);
    }
  }

  /** The resource manager's settings: {@code mode}, tuned by the UMBRA_MANAGE_* (and UMBRA_ALLOCATOR*) variables. */
  static ShadowConfig.Manage manage(String mode) {
    Map<String, String> env = new HashMap<>();
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("UMBRA_MANAGE_") || k.startsWith("UMBRA_ALLOCATOR")) {
        env.put(k, v);
      }
    });
    Map<String, String> flags = new HashMap<>();
    flags.put("manage", mode);
    try {
      return ConfigParser.parse(flags, Optional.empty(), env).manage();
    } catch (ConfigException e) {
      // "key: problem", where the key is the option (manage) or came from the environment
      String message = e.getMessage();
      int colon = message.indexOf(':');
      String key = colon > 0 ? message.substring(0, colon) : "";
      if (key.equals("manage")) {
        throw new IllegalArgumentException("--" + message);
      }
      throw new IllegalArgumentException(
          ConfigParser.KEYS.contains(key) ? ConfigParser.envName(key) + message.substring(colon) : message);
    }
  }

  /** The chosen engine cannot run with the primary's JDK (exit 1, not a usage error). */
  static final class EngineUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    EngineUnavailableException(String message) {
      super(message);
    }
  }

  static void say(String message) {
    System.err.println("umbra run: " + message);
    System.err.flush();
  }

  private boolean isVerbose() {
    return parent != null && parent.verbose;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      say("cannot remove " + root + ": " + e.getMessage());
    }
  }
}
