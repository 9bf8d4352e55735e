package dev.umbra.agent;

import dev.umbra.agent.bootstrap.IoCounters;
import dev.umbra.agent.checkpoint.AppEngine;
import dev.umbra.agent.checkpoint.JdkCrac;
import dev.umbra.agent.command.CommandHandler;
import dev.umbra.agent.config.AgentConfig;
import dev.umbra.agent.config.ConfigException;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.jfr.JfrCollector;
import dev.umbra.agent.log.AgentLog;
import dev.umbra.agent.log.AgentThreads;
import dev.umbra.agent.sampler.DiagnosticCommands;
import dev.umbra.agent.sampler.JvmIntrospection;
import dev.umbra.agent.sampler.Sampler;
import dev.umbra.agent.telemetry.AgentStatus;
import dev.umbra.agent.telemetry.BatchBuffer;
import dev.umbra.agent.telemetry.Identity;
import dev.umbra.agent.transport.ShadowConnection;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Starts the agent's parts on the {@code umbra-start} thread (I/O hooks, JFR, sampler,
 * commands, transport), each degrading on failure rather than failing the agent, and closes
 * them in reverse order from a shutdown hook that never holds JVM exit for more than ~1 s.
 */
final class AgentRuntime implements AgentStatus {
  static final Duration SHUTDOWN_BUDGET = Duration.ofMillis(800);

  private final AgentConfig config;
  private final Deque<AutoCloseable> started = new ConcurrentLinkedDeque<>();
  private volatile Optional<WovenIo> hooks = Optional.empty();
  /** The stream to the shadow and the JFR stream, closed and opened again around CRaC checkpoints. */
  private volatile CracResource live;
  /** Keeps the JDK's CRaC API, and with it the proxy the JDK's context holds only weakly. */
  private volatile Optional<JdkCrac> jdkCrac = Optional.empty();
  private volatile Sampler sampler;
  private volatile List<String> manageableFlags = List.of();
  private volatile boolean crac;
  private volatile AppEngine app;

  private AgentRuntime(AgentConfig config) {
    this.config = config;
  }

  /** Parses the options and starts {@code umbra-start}; a bad option leaves the agent off. */
  static void launch(String agentArgs, Instrumentation instrumentation, boolean attached) {
    Map<String, String> properties = new HashMap<>();
    System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
    AgentConfig config;
    try {
      config = AgentConfig.parse(agentArgs, properties, System.getenv());
    } catch (ConfigException e) {
      System.err.println("umbra-agent ERROR " + e.getMessage() + "; the agent is off, the application runs without it");
      return;
    }
    AgentLog.configure(config.logLevel());
    AgentRuntime runtime = new AgentRuntime(config);
    // A plain thread: AgentThread belongs to the bootstrap package and must not be loaded
    // before that package is injected into the boot loader; everything after runs on agent
    // threads so that the agent's own class loading is never counted as the app's disk reads.
    long premainNanos = System.nanoTime();
    long delayNanos = attached ? 0 : config.startDelay().toNanos();
    Thread start = new Thread(() -> runtime.bootstrap(instrumentation, properties, premainNanos + delayNanos), "umbra-start");
    start.setDaemon(true);
    start.start();
  }

  /**
   * @param notBeforeNanos {@code System.nanoTime()} before which nothing starts (start.delay): the
   *     hooks, JFR and the transport load thousands of classes and JIT-compile them, which would
   *     compete for the CPU with the application's own start-up
   */
  private void bootstrap(Instrumentation instrumentation, Map<String, String> properties, long notBeforeNanos) {
    try {
      long wait = notBeforeNanos - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      AgentConfig effective = config;
      HookLoader hookLoader = null;
      if (config.ioHooks()) {
        try {
          hookLoader = new HookLoader(AgentRuntime.class.getClassLoader());
          BootstrapInjector.inject(instrumentation, hookLoader);
        } catch (Throwable e) {
          AgentLog.warn("I/O hooks off: cannot define their bootstrap classes", e);
          effective = config.withoutIoHooks();
          if (hookLoader != null) {
            hookLoader.close();
          }
          hookLoader = null;
        }
      }
      AgentRuntime runtime = effective == config ? this : new AgentRuntime(effective);
      HookLoader loader = hookLoader;
      AgentThreads.single("init").newThread(() -> runtime.start(instrumentation, properties, loader)).start();
    } catch (Throwable t) {
      AgentLog.error("the agent failed to start and is off; the application runs without it", t);
    }
  }

  /** @param hookLoader Byte Buddy's loader, dropped (for unloading) once the hooks are woven */
  private void start(Instrumentation instrumentation, Map<String, String> properties, HookLoader hookLoader) {
    long t0 = System.nanoTime();
    try {
      if (config.ioHooks() && hookLoader != null) {
        IoCounters.recordDetail(switch (config.ioDetail()) {
          case OFF -> IoCounters.DETAIL_OFF;
          case SAMPLED -> IoCounters.DETAIL_SAMPLED;
          case FULL -> IoCounters.DETAIL_FULL;
        });
        hooks = WovenIo.install(instrumentation, hookLoader);
        hooks.ifPresent(started::push);
      }
      if (hookLoader != null) {
        hookLoader.close();
        hookLoader = null;
      }
      AgentLog.debug("start: I/O hooks " + hooks.isPresent() + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      Identity identity = JvmIntrospection.identity(properties);
      manageableFlags = JvmIntrospection.manageableFlags();
      crac = JvmIntrospection.cracAvailable();
      if (config.jfr()) {
        boolean small = JfrCollector.shrinkBuffers(instrumentation, ManagementFactory.getRuntimeMXBean().getInputArguments());
        AgentLog.debug("start: JFR buffers " + (small ? "shrunk" : "left at their defaults"));
      }
      BatchBuffer buffer = new BatchBuffer(config.bufferBatches());
      Clock clock = Clock.systemUTC();
      sampler = new Sampler(config.sampling(), clock, buffer, Optional.empty(), config.stackDepth());
      sampler.onAdviceErrors(this::dropHooks);
      // neither the class histogram nor the checkpoint registries create the platform MBean
      // server (~440 JMX classes): agent/BENCHMARK.md, run 14
      sampler.useDiagnosticCommands(DiagnosticCommands.onFirstUse(instrumentation));
      app = AppEngine.overPlatformServer(() -> {
        CracResource parts = live;
        ShadowConnection link = parts == null ? null : parts.connection();
        return link == null ? null : link.stateTransfer(parts.identity().primaryId());
      });
      CommandHandler commands = new CommandHandler(new SamplingTarget(), CommandHandler.hotSpot(), List.of(app));
      ShadowConnection.Setup setup = new ShadowConnection.Setup(sampler::sampling, config.tags(),
          sampler::nextSequence, buffer, commands, this, clock);
      Optional<JdkCrac> api = JdkCrac.find();
      jdkCrac = api;
      live = new CracResource(new CracResource.Parts(sampler, buffer,
          () -> config.jfr() ? JfrCollector.start(sampler.sampling(), config.stackDepth()) : Optional.empty(),
          (id, secret) -> ShadowConnection.open(config.shadow(), setup, id, secret)),
          identity, () -> api.map(JdkCrac::restoreTimeMillis).orElse(OptionalLong.empty()));
      started.push(live); // closes the stream to the shadow and the JFR stream, whichever are open then
      sampler.useJfr(live.startJfr());
      AgentLog.debug("start: JFR " + live.jfr().isPresent() + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      sampler.start();
      started.push(sampler);
      started.push(commands);
      ShadowConnection connection = live.connect();
      app.onRegistriesChanged(() -> {
        ShadowConnection link = live.connection();
        if (link != null) {
          link.capabilitiesChanged();
        }
      });
      sampler.onEveryGauge(app::poll);
      if (app.available()) {
        connection.capabilitiesChanged(); // registered between the first Hello and the listener
      }
      api.ifPresent(this::registerCracResource);
      Runtime.getRuntime().addShutdownHook(AgentThreads.single("shutdown").newThread(this::shutdown));
      AgentLog.info("started in " + (System.nanoTime() - t0) / 1_000_000 + " ms: shadow " + config.shadow() + ", " + config.sampling().criticality().label()
          + ", jfr " + live.jfr().isPresent() + ", io hooks " + hooks.isPresent() + ", primary " + identity.primaryId());
    } catch (Throwable t) {
      AgentLog.error("the agent failed to start and is off; the application runs without it", t);
      close();
    }
  }

  /**
   * On a CRaC JDK: lets the JDK close the agent's stream, JFR and sampling before a checkpoint
   * and open them after ({@link CracResource}); without it, the agent's socket fails every
   * checkpoint. A JDK that refuses leaves the agent running without it.
   */
  private void registerCracResource(JdkCrac jdkCrac) {
    try {
      jdkCrac.register(live);
      AgentLog.debug("start: CRaC resource registered with " + jdkCrac.packageName());
    } catch (RuntimeException e) {
      AgentLog.warn("CRaC: cannot register the agent's resource; a checkpoint of this JVM will fail on the agent's socket", e);
    }
  }

  /** Degrades instead of failing: advice that threw (suppressed) is removed from the JDK. */
  private void dropHooks() {
    Optional<WovenIo> installed = hooks;
    if (installed.isPresent()) {
      hooks = Optional.empty();
      AgentLog.error("the I/O advice failed " + IoCounters.adviceErrors()
          + " time(s); I/O hooks removed, disk and network series read 0 from now on");
      started.remove(installed.get());
      installed.get().close();
    }
  }

  /**
   * JVM shutdown: closes the parts on a helper thread and waits at most {@link #SHUTDOWN_BUDGET},
   * so the agent never holds exit for longer. The I/O hooks stay (removing them would
   * retransform JDK classes on the way out for nothing).
   */
  private void shutdown() {
    hooks.ifPresent(started::remove);
    Thread closer = AgentThreads.single("close").newThread(this::close);
    closer.start();
    try {
      closer.join(SHUTDOWN_BUDGET.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes what started, newest first, each guarded; bounded by the parts' own bounds. */
  private synchronized void close() {
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Throwable t) {
        AgentLog.warn("closing " + part.getClass().getSimpleName() + " failed", t);
      }
    }
  }

  private final class SamplingTarget implements CommandHandler.SamplingTarget {
    @Override
    public Sampling current() {
      return sampler.sampling();
    }

    @Override
    public void apply(Sampling next) {
      sampler.apply(next);
      CracResource parts = live;
      if (parts != null) {
        parts.jfr().ifPresent(j -> j.apply(next));
      }
    }
  }

  @Override
  public boolean jfrRunning() {
    CracResource parts = live;
    return parts != null && parts.jfr().isPresent();
  }

  @Override
  public boolean ioHooksInstalled() {
    return hooks.isPresent();
  }

  @Override
  public boolean cracAvailable() {
    return crac;
  }

  @Override
  public List<String> checkpointEngines() {
    AppEngine engine = app;
    return engine != null && engine.available() ? List.of(engine.name()) : List.of();
  }

  @Override
  public List<String> checkpointables() {
    AppEngine engine = app;
    return engine == null ? List.of() : engine.stateNames();
  }

  @Override
  public List<String> manageableFlags() {
    return manageableFlags;
  }

  @Override
  public long adviceErrors() {
    return hooks.isPresent() ? IoCounters.adviceErrors() : 0;
  }

  @Override
  public double agentCpuMillis() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long id : AgentThreads.liveThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      total += Math.max(0, cpu);
    }
    return total / 1e6;
  }
}
