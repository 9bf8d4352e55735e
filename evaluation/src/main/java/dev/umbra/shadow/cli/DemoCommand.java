package dev.umbra.shadow.cli;

import dev.umbra.shadow.action.ActionPolicy;
import dev.umbra.shadow.checkpoint.CheckpointManifest;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.demo.DemoPlan;
import dev.umbra.shadow.demo.DemoSummary;
import dev.umbra.shadow.demo.DemoView;
import dev.umbra.shadow.supervisor.PrimaryCgroup;
import dev.umbra.shadow.supervisor.PrimaryCommand;
import dev.umbra.units.Durations;
import dev.umbra.units.Sizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code umbra demo}: the bundled demo workload under the machinery of {@code umbra run} (its own
 * cgroup with limits, the resource manager in auto mode on it, periodic app checkpoints,
 * automatic rollback on the detector's anomalies), a live terminal view, then a summary.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    // each element is a paragraph (picocli wraps it); the first is the summary in 'umbra --help'
    description = {
      "Run a demo primary under a shadow, as 'umbra run' would, and show what the shadow sees and does.",
      "The demo primary (a JVM with the agent) runs in its own cgroup with limits, the resource manager"
          + " in auto mode, app checkpoints and automatic rollback. It goes through warm-up, rising memory"
          + " and CPU, disk and network I/O, then an injected fault; the view shows usage, the forecast band"
          + " and the allocation, decisions, anomalies and rollbacks as they happen, then a summary"
          + " ('summary:' lines). Ctrl-C ends it cleanly. Exit code 0 when every fact of the summary held."
    })
final class DemoCommand implements Callable<Integer> {
  /** Anomalies of these series roll the primary back; demand changes are the resource manager's. */
  static final Set<String> ROLLBACK_SERIES = Set.of("threads.live", "threads.blocked");
  /** How long the primary's agent may take to start streaming (a busy machine has taken over 70 s). */
  static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(3);

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "2m",
      description = "How long the workload runs (default ${DEFAULT-VALUE}, at least 90s).")
  String duration;

  @Option(names = "--cpu", paramLabel = "CORES", defaultValue = "1", description = "The primary's initial CPU limit (default ${DEFAULT-VALUE}).")
  double cpu;

  @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "512m", description = "The primary's initial memory limit (default ${DEFAULT-VALUE}).")
  String memory;

  @Option(names = "--agent-jar", paramLabel = "JAR", description = "The umbra-agent.jar to use (default: found like 'umbra attach' does).")
  Path agentJar;

  @picocli.CommandLine.ParentCommand UmbraCli parent;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DemoPlan plan;
    long memoryBytes;
    try {
      plan = DemoPlan.of(Durations.parse("--duration", duration).toSeconds());
      memoryBytes = Sizes.parse("--memory", memory);
      if (!(cpu > 0)) {
        throw new IllegalArgumentException("--cpu must be a positive number of cores, not " + cpu);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage().startsWith("the demo") ? "--duration: " + e.getMessage() : e.getMessage());
    }
    Path agent = AttachCommand.locateAgentJar(agentJar, System.getenv(), AttachCommand.shadowJarFolder())
        .orElseThrow(() -> new AttachCommand.AttachFailedException("cannot find umbra-agent.jar: build it (mvn -B -DskipTests package) or give --agent-jar"));
    Path self = AttachCommand.shadowJarFolder().map(f -> f.resolve("umbra-shadow.jar"))
        .filter(Files::isRegularFile)
        .orElseThrow(() -> new NotAvailableException("demo outside umbra-shadow.jar"));
    PrintWriter out = spec.commandLine().getOut();
    quietLogs(parent != null && parent.verbose);

    ShadowConfig.Manage manage = demoManager();
    ActionPolicy policy = ActionPolicy.rollbackOn(ROLLBACK_SERIES, 0.5, Duration.ofSeconds(30));
    Path data = Files.createTempDirectory("umbra-demo");
    SupervisedRun.Settings settings = new SupervisedRun.Settings(data, 0,
        new SupervisedRun.Limits("demo-" + ProcessHandle.current().pid(), Optional.of(cpu), Optional.of(memoryBytes), false),
        new SupervisedRun.Checkpointing("auto", Optional.of(Duration.ofSeconds(3)), Duration.ofSeconds(10)),
        new SupervisedRun.Rollback(Optional.of(policy)), manage);
    Path go = data.resolve("go");
    // the class path this process runs from: the shaded jar, with DemoWorkload and umbra-api in it
    String classPath = System.getProperty("java.class.path", self.toString());
    PrimaryCommand primary = new PrimaryCommand(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms64m", "-Xmx400m", "-Xmn32m", "-XX:+UseG1GC", "-cp", classPath, "dev.umbra.shadow.demo.DemoWorkload",
        Long.toString(plan.seconds()), go.toString()));
    AtomicReference<DemoView> view = new AtomicReference<>();
    List<String> early = new ArrayList<>();
    Consumer<String> say = message -> {
      DemoView v = view.get();
      if (v == null) {
        synchronized (early) {
          early.add(message);
        }
      } else {
        v.said(message);
      }
    };
    Consumer<String> output = line -> {
      DemoView v = view.get();
      if (v != null) {
        v.primaryLine(line);
      }
    };
    AtomicReference<String> interrupted = new AtomicReference<>("");
    int code;
    DemoSummary summary;
    String cgroupName;
    List<Long> pids;
    PrimaryCgroup cgroup;
    try (SupervisedRun run = SupervisedRun.start(settings, primary, agent, "criticality=high", Optional.of(output), say,
        Clock.systemUTC())) {
      DemoView v = new DemoView(out, plan, ROLLBACK_SERIES, manage.lead(), System.currentTimeMillis());
      cgroupName = run.cgroup().describe();
      String limits = run.cgroup().present()
          ? String.format(Locale.ROOT, "%s, initially %.2f cores and %d MiB", cgroupName, cpu, memoryBytes >> 20)
          : "none (cgroups are not writable here: the primary runs unlimited)";
      String manager = run.manage().mode().name().toLowerCase(Locale.ROOT) + " (allocator " + manage.allocator()
          + ", every " + manage.every().toMillis() / 1000.0 + " s, lead " + manage.lead().toSeconds() + " s, p"
          + Math.round(manage.confidence() * 100) + " of the peak + " + Math.round(manage.headroom() * 100) + "% headroom, up when P(demand > limit) >= " + manage.threshold() + ", memory >= "
          + (manage.memoryMin() >> 20) + " MiB)";
      String rollbackPolicy = "anomalies of " + String.join(" or ", new TreeSet<>(ROLLBACK_SERIES))
          + " scoring >= " + policy.minScore() + ", at most one per " + policy.cooldown().toSeconds() + " s; checkpoints every 3 s,"
          + " known-good after 10 s without an anomaly";
      v.note(String.format(Locale.ROOT, "umbra demo: shadow on 127.0.0.1:%d, dashboard http://127.0.0.1:%d/dashboard/, %d s run",
          run.shadow().grpcAddress().getPort(), run.shadow().httpAddress().getPort(), plan.seconds()));
      v.note("umbra demo: limits " + limits);
      v.note("umbra demo: resource manager " + manager);
      v.note("umbra demo: rollback on " + rollbackPolicy);
      synchronized (early) {
        early.forEach(m -> v.note("umbra demo: " + m));
      }
      view.set(v);
      run.shadow().decisions().subscribe(v::decision);
      run.onRollback(v::rollbackStarted);
      AutoCloseable anomalies = run.shadow().anomalies().subscribe(v::anomaly);
      v.header();
      Thread ticker = new Thread(() -> tick(run, v, go), "umbra-demo-view");
      ticker.setDaemon(true);
      ticker.start();
      code = run.run(interrupted::set);
      ticker.interrupt();
      ticker.join(5_000);
      anomalies.close();
      v.status(run.shadow(), Optional.empty(), -1, run.cgroup().stats());
      summary = DemoSummary.of(v, run.shadow(), limits, manager, rollbackPolicy);
      pids = v.pids();
      cgroup = run.cgroup();
    } finally {
      deleteTree(data);
    }
    List<Long> left = pids.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
    boolean cgroupLeft = cgroup.exists();
    summary.cleanup(code, cgroupLeft, cgroupName, left);
    summary.print(out, interrupted.get());
    if (!interrupted.get().isEmpty()) {
      return 130;
    }
    return summary.passed() ? 0 : 1;
  }

  /**
   * The resource manager as the demo runs it: auto, on the primary's cgroup, deciding every second,
   * with the probability gate at its default ({@code manage-threshold} 0.1): a scale-up needs
   * P(demand &gt; limit) of at least that, saturation or a known JVM need above the limit.
   */
  static ShadowConfig.Manage demoManager() {
    ShadowConfig.Manage d = ShadowConfig.Manage.off();
    double cores = Runtime.getRuntime().availableProcessors();
    // The gate stays at its default. In a run this short the forecasts come from the VPA
    // recommender (the other baselines need 24 lead times of history), whose P(demand > limit)
    // stays 0 until usage is within a bucket (5 %) of the limit; what gets memory ahead of the
    // rising phase is the manager's JVM-need rule (live set, growth room, off-heap above the
    // limit), which the summary names with each decision's P (DemoIT, gate 0.1: 402 -> 456 MiB
    // at 74 % of the limit, 7 s before usage reached it). 25 % headroom gives the next phase's
    // first seconds room. The primary's young generation is fixed (-Xmn32m): G1 growing it by
    // 80 MB within two seconds got the primary OOM-killed at a 320 MiB limit before the manager
    // (1 s ticks on 1 s telemetry) could follow.
    return new ShadowConfig.Manage(ShadowConfig.Manage.Mode.AUTO, "cgroup", Map.of(), d.confidence(), d.threshold(),
        d.lead(), Duration.ofSeconds(1), 0.25, d.band(), Duration.ofSeconds(20), d.maxStep(), 0.1, cores,
        320L << 20, 2L << 30, d.jvm(), Optional.empty());
  }

  /**
   * Every two seconds: a status line; checkpoint counts from the store. Once the primary streams,
   * creates {@code go} (the workload's plan starts then); stops the primary if it never does.
   */
  private static void tick(SupervisedRun run, DemoView view, Path go) {
    long waitingSince = System.nanoTime();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(2_000);
        if (!Files.exists(go)) {
          if (run.supervisor().primaryId().isPresent()) {
            Files.createFile(go);
            view.begin();
          } else if (System.nanoTime() - waitingSince > CONNECT_TIMEOUT.toNanos()) {
            view.note("umbra demo: the primary's agent did not connect within " + CONNECT_TIMEOUT.toSeconds() + " s; stopping it");
            run.supervisor().signal("TERM");
            return;
          }
        }
        try {
          List<CheckpointManifest> all = run.shadow().checkpoints().listAll();
          view.checkpointsKnownGood((int) all.stream().filter(m -> m.trust() == CheckpointManifest.Trust.KNOWN_GOOD).count());
        } catch (IOException e) {
          // counts stay as they were
        }
        view.status(run.shadow(), run.supervisor().primaryId(), run.supervisor().pid(), run.cgroup().stats());
      }
    } catch (InterruptedException e) {
      // the run ended
    } catch (IOException | RuntimeException e) {
      view.note("umbra demo: the view stopped: " + e);
    }
  }

  private static void quietLogs(boolean verbose) {
    if (verbose) {
      return;
    }
    // the view is the demo's output; the shadow's lines would interleave with it (decisions and
    // anomalies are in the view)
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    for (String shown : new String[] {"dev.umbra.shadow.manager", "dev.umbra.shadow.anomaly.Alerts"}) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(shown)).setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("umbra demo: cannot remove " + root + ": " + e.getMessage());
    }
  }
}
