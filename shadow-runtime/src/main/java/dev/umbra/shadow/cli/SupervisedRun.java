package dev.umbra.shadow.cli;

import dev.umbra.allocator.AllocatorException;
import dev.umbra.shadow.Shadow;
import dev.umbra.shadow.action.ActionPolicy;
import dev.umbra.shadow.action.Responder;
import dev.umbra.shadow.manager.ActionAudit;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.supervisor.PrimaryCgroup;
import dev.umbra.shadow.supervisor.PrimaryCommand;
import dev.umbra.shadow.supervisor.Supervisor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What {@code umbra run} and {@code umbra demo} share: the primary's own cgroup with its limits,
 * a shadow in this process (checkpoints, the detector and, when asked, the resource manager,
 * which adopts the primary's cgroup through its pid), the supervisor, and automatic rollback
 * on the shadow's anomalies. {@link #close()} ends the primary, stops the shadow and removes the
 * cgroup.
 */
final class SupervisedRun implements AutoCloseable {
  /**
   * The primary's cgroup.
   *
   * @param name the cgroup is {@code umbra-<name>}
   * @param required whether a cgroup that cannot be made while limits are asked for is an error
   *     ({@code umbra run}); otherwise the primary runs unlimited, said in one line
   */
  record Limits(String name, Optional<Double> cpuCores, Optional<Long> memoryBytes, boolean required) {}

  /** Checkpoints: the engine (auto, app, crac, restart), the period, the known-good quiet period. */
  record Checkpointing(String engine, Optional<Duration> every, Duration quiet) {}

  /**
   * Automatic rollback: the action policy of {@code umbra serve --act}, whose rollbacks go through
   * the supervisor (any engine) and which scales nothing (the resource manager does, when on).
   *
   * @param policy empty: never act; e.g. {@link ActionPolicy#rollbackOn}
   */
  record Rollback(Optional<ActionPolicy> policy) {}

  /** Everything but the primary's command. */
  record Settings(Path dataDir, int port, Limits limits, Checkpointing checkpoints, Rollback rollback,
      ShadowConfig.Manage manage) {}

  private final Shadow shadow;
  private final PrimaryCgroup cgroup;
  private final Supervisor supervisor;
  private final ShadowConfig.Manage manage;
  private final List<BiConsumer<String, CompletableFuture<String>>> rollbackListeners = new CopyOnWriteArrayList<>();
  private AutoCloseable subscription = () -> {};
  private boolean closed;

  private SupervisedRun(Shadow shadow, PrimaryCgroup cgroup, Supervisor supervisor, ShadowConfig.Manage manage) {
    this.shadow = shadow;
    this.cgroup = cgroup;
    this.supervisor = supervisor;
    this.manage = manage;
  }

  /**
   * Makes the cgroup, starts the shadow and prepares the supervisor (the primary starts in
   * {@link #run}). On failure, whatever it made is gone again.
   *
   * @param primary the primary's command, without the agent
   * @param agentOptions agent options after {@code shadow=HOST:PORT}, "" for none
   * @param output where the primary's output lines go; empty: this process's terminal
   * @param say where the run's own one-line messages go
   */
  static SupervisedRun start(Settings settings, PrimaryCommand primary, Path agentJar, String agentOptions,
      Optional<Consumer<String>> output, Consumer<String> say, Clock clock) throws Exception {
    Supervisor.Options run = new Supervisor.Options(primary, settings.checkpoints().engine(),
        settings.checkpoints().every(), output);
    return start(settings, cgroup(settings.limits(), say), run, agentJar, agentOptions, say, clock);
  }

  /**
   * Starts in {@code cgroup}, which it owns from the call on: closed (removed) if anything after
   * it fails, configuration included.
   *
   * @param run the supervisor's options, with the primary's command without the agent
   */
  static SupervisedRun start(Settings settings, PrimaryCgroup cgroup, Supervisor.Options run, Path agentJar,
      String agentOptions, Consumer<String> say, Clock clock) throws Exception {
    Shadow shadow = null;
    try {
      ShadowConfig.Manage manage = settings.manage();
      if (manage.mode() == ShadowConfig.Manage.Mode.AUTO && !cgroup.present() && manage.allocator().equals("cgroup")) {
        // the allocator would adopt the cgroup this process runs in, and limit it too
        say.accept("the resource manager only recommends: the primary has no cgroup of its own to resize");
        manage = withMode(manage, ShadowConfig.Manage.Mode.RECOMMEND);
      }
      ShadowConfig base = ShadowConfig.of(new ShadowConfig.Endpoint("127.0.0.1", settings.port()),
          new ShadowConfig.Endpoint("127.0.0.1", 0), settings.dataDir());
      ShadowConfig config = new ShadowConfig(base.grpc(), base.http(), settings.dataDir(), base.security(), base.limits(),
          new ShadowConfig.Checkpoints(Optional.empty(), settings.checkpoints().quiet()), base.alerts(), manage, base.fleet(),
          ShadowConfig.Act.off()); // run and demo act through their supervisor, below
      shadow = Shadow.start(config, clock);
      // the agent reads its token from the credential file the shadow just made, never from argv
      String options = AttachCommand.agentOptions(
          "shadow=127.0.0.1:" + shadow.grpcAddress().getPort() + (agentOptions.isBlank() ? "" : "," + agentOptions),
          settings.dataDir());
      Supervisor.Options withAgent = new Supervisor.Options(run.command().withAgent(agentJar, options),
          run.engine(), run.checkpointEvery(), run.output());
      Supervisor supervisor = new Supervisor(withAgent, new Supervisor.Parts(shadow.ingest().sessions(),
          shadow.checkpoints(), cgroup, settings.dataDir().resolve("crac")), clock, say);
      SupervisedRun supervised = new SupervisedRun(shadow, cgroup, supervisor, manage);
      settings.rollback().policy().ifPresent(policy -> supervised.actOn(policy, clock));
      return supervised;
    } catch (Exception | Error e) {
      if (shadow != null) {
        shadow.close();
      }
      cgroup.close();
      throw e;
    }
  }

  private void actOn(ActionPolicy policy, Clock clock) {
    // The detector tells the coordinator of each anomaly itself (no checkpoint taken before the
    // detection is promoted after it); the policy only decides what to do about it.
    Responder.Rollbacks supervised = new Responder.Rollbacks() {
      @Override
      public String engine() {
        return "supervisor";
      }

      @Override
      public CompletableFuture<String> rollback(String primaryId, String reason) {
        return SupervisedRun.this.rollback(primaryId, reason);
      }
    };
    Responder responder = new Responder(policy, Optional.of(supervised), Optional.empty(),
        new ActionAudit(shadow.decisions(), clock), clock);
    subscription = shadow.anomalies().subscribe(responder);
  }

  private CompletableFuture<String> rollback(String primaryId, String reason) {
    CompletableFuture<String> done = supervisor.rollback(primaryId, reason);
    for (BiConsumer<String, CompletableFuture<String>> listener : rollbackListeners) {
      listener.accept(reason, done);
    }
    return done;
  }

  /** Tells {@code listener} of each automatic rollback as it starts: its reason and its outcome. */
  void onRollback(BiConsumer<String, CompletableFuture<String>> listener) {
    rollbackListeners.add(listener);
  }

  /**
   * Starts the primary and waits until it exits; SIGTERM, SIGINT and SIGHUP are forwarded to it
   * (and reported to {@code onSignal}). Returns the primary's exit code.
   */
  int run(Consumer<String> onSignal) throws IOException, InterruptedException {
    OsSignals.forward(name -> {
      onSignal.accept(name);
      supervisor.signal(name);
    });
    Thread safety = new Thread(this::close, "umbra-run-stop");
    Runtime.getRuntime().addShutdownHook(safety);
    try {
      return supervisor.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(safety);
      } catch (IllegalStateException e) {
        // shutting down already: the hook runs
      }
    }
  }

  Shadow shadow() {
    return shadow;
  }

  Supervisor supervisor() {
    return supervisor;
  }

  PrimaryCgroup cgroup() {
    return cgroup;
  }

  /** The resource manager's settings in effect (auto falls back to recommend without a cgroup). */
  ShadowConfig.Manage manage() {
    return manage;
  }

  private static PrimaryCgroup cgroup(Limits limits, Consumer<String> say) throws AllocatorException {
    boolean limited = limits.cpuCores().isPresent() || limits.memoryBytes().isPresent();
    try {
      return PrimaryCgroup.create(limits.name(), limits.cpuCores(), limits.memoryBytes());
    } catch (AllocatorException e) {
      if (limited && limits.required()) {
        throw new AllocatorException(e.reason(), "cannot limit the primary: " + e.getMessage(), e);
      }
      say.accept(limited
          ? "cgroups are not writable here (" + e.getMessage() + "): the primary runs without limits"
          : "no cgroup for the primary (" + e.getMessage() + "); it runs in this process's");
      return PrimaryCgroup.none();
    }
  }

  static ShadowConfig.Manage withMode(ShadowConfig.Manage m, ShadowConfig.Manage.Mode mode) {
    return new ShadowConfig.Manage(mode, m.allocator(), m.allocatorSettings(), m.confidence(), m.threshold(), m.lead(),
        m.every(), m.headroom(), m.band(), m.cooldown(), m.maxStep(), m.cpuMin(), m.cpuMax(), m.memoryMin(),
        m.memoryMax(), m.jvm(), m.pod(), m.io(), m.ioMin(), m.ioMax());
  }

  /** Ends the primary (SIGTERM, then SIGKILL), stops the shadow, removes the cgroup. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    supervisor.close();
    try {
      subscription.close();
    } catch (Exception e) {
      // a list removal: cannot fail
    }
    shadow.close();
    cgroup.close();
  }
}
