package dev.umbra.shadow.supervisor;

import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.ingest.PrimaryState;
import dev.umbra.shadow.ingest.Sessions;
import dev.umbra.shadow.threads.ShadowThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs one primary as a child process until it exits on its own: starts it with the engine's
 * launch command inside its cgroup, checkpoints it periodically, executes rollbacks (in place or
 * by replacing the process), forwards signals, and returns the primary's exit code. Thread-safe.
 */
public final class Supervisor implements AutoCloseable {
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Options options;
  private final Sessions sessions;
  private final CheckpointCoordinator coordinator;
  private final Clock clock;
  private final Consumer<String> say;
  private final PrimaryCgroup cgroup;
  private final Object lock = new Object();
  private final Object replacing = new Object();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(ShadowThreads.factory("supervisor", true));
  private final ExecutorService work = Executors.newSingleThreadExecutor(ShadowThreads.factory("supervisor-work", true));
  private volatile Engine engine;
  private Phase phase = Phase.STARTING;
  private Process process;
  private Instant lastCheckpoint = Instant.EPOCH;
  private CompletableFuture<String> checkpointing = CompletableFuture.completedFuture("");
  /** The thread reading the newest process's output, when {@link Options#output()} is set. */
  private volatile Thread reader;

  /**
   * What to run and how.
   *
   * @param command the primary's command with the agent already injected
   * @param engine "auto", "app", "crac" or "restart"
   * @param checkpointEvery how often to checkpoint (empty: never periodically)
   * @param output where each line the primary prints (stdout and stderr) goes; empty: the
   *     primary inherits this process's terminal
   */
  public record Options(PrimaryCommand command, String engine, Optional<Duration> checkpointEvery,
      Optional<Consumer<String>> output) {
    public Options {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(engine, "engine");
      Objects.requireNonNull(checkpointEvery, "checkpointEvery");
      Objects.requireNonNull(output, "output");
    }

    /** The primary on this process's terminal. */
    public Options(PrimaryCommand command, String engine, Optional<Duration> checkpointEvery) {
      this(command, engine, checkpointEvery, Optional.empty());
    }
  }

  /** Ends a process that is being replaced (and may do work first, like a CRaC checkpoint). */
  @FunctionalInterface
  interface Stopper {
    void stop(Process old) throws Exception;
  }

  /**
   * What the supervisor works through, made and closed by its caller.
   *
   * @param sessions the shadow's sessions: which one is the running primary, and its workload
   * @param coordinator the shadow's checkpoints, taken and restored
   * @param cgroup the primary's cgroup, every process of the primary started inside it
   * @param cracImages the folder where the {@code crac} engine keeps its images
   */
  public record Parts(Sessions sessions, CheckpointCoordinator coordinator, PrimaryCgroup cgroup, Path cracImages) {
    public Parts {
      Objects.requireNonNull(sessions, "sessions");
      Objects.requireNonNull(coordinator, "coordinator");
      Objects.requireNonNull(cgroup, "cgroup");
      Objects.requireNonNull(cracImages, "cracImages");
    }
  }

  /**
   * @param say where the supervisor's own one-line messages go (start, exit, rollback, signals)
   * @throws IllegalArgumentException for an engine other than auto, app, crac or restart
   */
  public Supervisor(Options options, Parts parts, Clock clock, Consumer<String> say) {
    this.options = options;
    this.sessions = parts.sessions();
    this.coordinator = parts.coordinator();
    this.cgroup = parts.cgroup();
    this.clock = clock;
    this.say = say;
    this.engine = switch (options.engine()) {
      case "app" -> new AgentAppEngine(coordinator);
      case "crac" -> new CracEngine(parts.cracImages(), coordinator.store(), clock);
      case "restart", "auto" -> new RestartEngine();
      default -> throw new IllegalArgumentException("--engine must be auto, app, crac or restart, not '" + options.engine() + "'");
    };
  }

  /**
   * What {@code engine} lacks to run {@code command} on this machine, in one line naming it;
   * empty when nothing is missing. Only {@code crac} needs more than a JDK: a CRaC one, with
   * jcmd (checked by starting that java once).
   */
  public static Optional<String> missingFor(String engine, PrimaryCommand command) {
    return engine.equals(CracEngine.NAME) ? CracEngine.missing(command) : Optional.empty();
  }

  /** Starts the primary and waits for it to exit on its own; returns its exit code. */
  public int run() throws IOException, InterruptedException {
    Process first = start(engine.launch(options.command()), "started");
    synchronized (lock) {
      phase = phase.moveTo(Phase.RUNNING);
      process = first;
    }
    timer.scheduleWithFixedDelay(this::tickSafely, 1, 1, TimeUnit.SECONDS);
    while (true) {
      Process watched;
      synchronized (lock) {
        watched = process;
      }
      int code = watched.waitFor();
      synchronized (lock) {
        while (phase == Phase.REPLACING) {
          lock.wait();
        }
        if (process != watched && phase == Phase.RUNNING) {
          continue; // replaced: wait for the new one
        }
        phase = phase.moveTo(Phase.EXITED);
      }
      Thread lastReader = reader;
      if (lastReader != null) {
        lastReader.join(5_000); // its last lines, printed just before the exit
      }
      say("primary pid " + watched.pid() + " exited with code " + code);
      return code;
    }
  }

  /** The pid of the process running now, or -1 before the start. */
  public long pid() {
    synchronized (lock) {
      return process == null ? -1 : process.pid();
    }
  }

  /** The engine in use now ("restart" until an {@code auto} primary registers state). */
  public String engine() {
    return engine.name();
  }

  /**
   * The connected session of the process running now: the newest one with its pid, else the
   * newest of one of its descendants (a JVM restored from a CRaC image runs under the restore
   * launcher, with the pid it had at the checkpoint).
   */
  public Optional<String> primaryId() {
    Process running;
    synchronized (lock) {
      running = process;
    }
    if (running == null) {
      return Optional.empty();
    }
    List<Connected> connected = sessions.all().stream()
        .filter(s -> s.state() == PrimaryState.CONNECTED)
        .map(s -> new Connected(s.primaryId(), s.identity().pid(), s.identity().jvmStartMillis()))
        .toList();
    return running(connected, running.pid(), () -> running.descendants().map(ProcessHandle::pid).collect(Collectors.toSet()));
  }

  /** A connected primary: its id, pid and (restore) start time. */
  record Connected(String primaryId, long pid, long startMillis) {}

  /** The newest of {@code connected} with {@code pid}, else the newest with one of {@code descendants}. */
  static Optional<String> running(List<Connected> connected, long pid, Supplier<Set<Long>> descendants) {
    Comparator<Connected> newest = Comparator.comparingLong(Connected::startMillis);
    Optional<Connected> own = connected.stream().filter(c -> c.pid() == pid).max(newest);
    if (own.isPresent()) {
      return own.map(Connected::primaryId);
    }
    Set<Long> below = descendants.get();
    return connected.stream().filter(c -> below.contains(c.pid())).max(newest).map(Connected::primaryId);
  }

  /** The pid the primary's agent reported (a restored JVM's, which may not be the launched process's). */
  long jvmPid(String primaryId, long otherwise) {
    return sessions.get(primaryId).map(s -> s.identity().pid()).orElse(otherwise);
  }

  /**
   * Rolls the running primary back with its engine. An anomaly of a process that was replaced
   * since is ignored.
   */
  public CompletableFuture<String> rollback(String primaryId, String reason) {
    Optional<String> current = primaryId();
    if (current.isEmpty() || !current.get().equals(primaryId)) {
      return CompletableFuture.completedFuture("nothing: " + primaryId + " is not the running primary any more");
    }
    say("rolling back " + primaryId + " with the " + engine.name() + " engine: " + reason);
    return engine.rollback(this, primaryId, reason).whenComplete((what, failure) -> {
      if (failure == null) {
        say("rolled back to " + what);
      } else {
        say("rollback failed: " + rootMessage(failure));
      }
    });
  }

  /** A signal for the primary: it is forwarded, and no relaunch happens after it. */
  public void signal(String name) {
    long pid;
    synchronized (lock) {
      if (phase == Phase.RUNNING || phase == Phase.REPLACING || phase == Phase.STARTING) {
        phase = phase.moveTo(Phase.STOPPING);
      }
      pid = process == null ? -1 : process.pid();
    }
    if (pid > 0) {
      say("forwarding SIG" + name + " to the primary (pid " + pid + ")");
      ProcessHandle.of(pid).ifPresent(h -> sendSignal(h, name));
    }
  }

  private static void sendSignal(ProcessHandle handle, String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(handle.pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0) {
        return;
      }
    } catch (IOException e) {
      // no kill(1): SIGTERM is what Java can send
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    handle.destroy();
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      say("checkpoint tick failed: " + e);
    }
  }

  private void tick() {
    Optional<String> id = primaryId();
    if (id.isEmpty()) {
      return;
    }
    if (options.engine().equals("auto") && engine instanceof RestartEngine
        && sessions.get(id.get()).map(s -> s.identity().capabilities().checkpointEngines().contains(AgentAppEngine.NAME)).orElse(false)) {
      engine = new AgentAppEngine(coordinator);
      say("the primary registered Checkpointable state: engine app");
    }
    Optional<Duration> every = options.checkpointEvery();
    synchronized (lock) {
      if (every.isEmpty() || phase != Phase.RUNNING || !engine.checkpointsPeriodically() || !checkpointing.isDone()
          || lastCheckpoint.plus(every.get()).isAfter(clock.instant())) {
        return;
      }
      lastCheckpoint = clock.instant();
      checkpointing = engine.checkpoint(this, id.get()).whenComplete((what, failure) -> {
        if (failure == null) {
          say("checkpoint " + what + " taken");
        } else {
          say("checkpoint failed, the primary runs on: " + rootMessage(failure));
        }
      });
    }
  }

  // ---- for the engines ----

  PrimaryCommand command() {
    return options.command();
  }

  List<String> launchArgv() {
    return engine.launch(options.command());
  }

  String workload(String primaryId) {
    return sessions.get(primaryId).map(s -> s.identity().workload()).orElse("unknown");
  }

  void say(String message) {
    say.accept(message);
  }

  <T> CompletableFuture<T> async(Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    work.execute(() -> {
      try {
        result.complete(task.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return result;
  }

  /**
   * Replaces the running process: {@code stopper} ends it, then {@code next} is started in its
   * place. The main loop treats the old process's exit as expected. Refused once a signal asked
   * the primary to stop.
   */
  void replace(String why, Stopper stopper, Supplier<List<String>> next) throws Exception {
    synchronized (replacing) {
      Process old;
      synchronized (lock) {
        phase = phase.moveTo(Phase.REPLACING);
        old = process;
      }
      Process fresh = null;
      try {
        stopper.stop(old);
        cgroup.killLeftovers();
        synchronized (lock) {
          if (phase != Phase.REPLACING) {
            throw new IllegalStateException("the primary is stopping; not starting it again");
          }
        }
        fresh = start(next.get(), why);
      } finally {
        synchronized (lock) {
          if (fresh != null) {
            process = fresh;
          }
          if (phase == Phase.REPLACING) {
            phase = phase.moveTo(Phase.RUNNING);
          }
          lock.notifyAll();
        }
      }
    }
  }

  /** SIGTERM, then SIGKILL after {@link #STOP_GRACE}; returns once the process is gone. */
  static void terminate(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private Process start(List<String> argv, String why) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(cgroup.wrap(argv)).inheritIO();
    if (options.output().isPresent()) {
      builder.redirectOutput(ProcessBuilder.Redirect.PIPE).redirectErrorStream(true);
    }
    Process p = builder.start();
    options.output().ifPresent(lines -> reader = follow(p, lines));
    say("primary pid " + p.pid() + " " + why + (cgroup.describe().isEmpty() ? "" : " in " + cgroup.describe()));
    return p;
  }

  /** Hands each line of {@code p}'s output to {@code lines} on a daemon thread, until it closes. */
  private static Thread follow(Process p, Consumer<String> lines) {
    Thread reader = ShadowThreads.factory("primary-output-" + p.pid(), true).newThread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.accept(line);
        }
      } catch (IOException | RuntimeException e) {
        // the process is gone, or the consumer failed: the rest of its output is dropped
      }
    });
    reader.start();
    return reader;
  }

  private static String rootMessage(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** Stops the timers; ends the primary if it still runs (SIGTERM, then SIGKILL). */
  @Override
  public void close() {
    timer.shutdownNow();
    work.shutdownNow();
    Process p;
    synchronized (lock) {
      p = process;
    }
    if (p != null && p.isAlive()) {
      try {
        terminate(p);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    cgroup.killLeftovers();
  }
}
