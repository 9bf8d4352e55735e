package dev.umbra.agent.spawn;

import dev.umbra.agent.config.ShadowAddress;
import dev.umbra.agent.config.SpawnSettings;
import dev.umbra.agent.log.AgentLog;
import dev.umbra.agent.log.AgentThreads;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Starts {@code umbra serve} for {@code shadow=spawn} when the transport finds nothing at a
 * spawn address. {@link #shadowAbsent()} never blocks: the work runs on the {@code umbra-spawn}
 * thread, one attempt at a time. An attempt takes a file lock beside the data folder (so that two
 * primaries starting together launch one shadow: the second waits, then finds the first's
 * shadow listening), probes the port, launches the shadow as a detached process with its output
 * in {@code DATA/shadow.log} and stdin from {@code /dev/null}, and waits until it listens or
 * exits. If two shadows start anyway (different data folders), the second cannot bind the port
 * and exits, and both primaries use the first.
 *
 * <p>A failure that will not change (no shadow jar, no java) is logged once and spawning stops;
 * anything else is logged and retried at most every {@link #RETRY_AFTER}. The transport keeps
 * reconnecting with back-off either way; the application is never affected.
 */
public final class ShadowSpawner implements AutoCloseable {
  static final Duration RETRY_AFTER = Duration.ofSeconds(30);
  static final Duration LOCK_TIMEOUT = Duration.ofSeconds(120);
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
  private static final long POLL_MILLIS = 200;

  private final ShadowAddress address;
  private final SpawnSettings settings;
  private final Optional<String> token;
  private final Optional<Path> agentJar;
  private final Clock clock;
  private Thread worker;
  private boolean disabled;
  private long lastAttemptMillis = Long.MIN_VALUE;
  private int attempts;
  private volatile boolean closed;
  private volatile Optional<Process> launched = Optional.empty();
  private volatile Runnable onListening = () -> {};

  ShadowSpawner(ShadowAddress address, SpawnSettings settings, Optional<String> token, Optional<Path> agentJar,
      Clock clock) {
    this.address = address;
    this.settings = settings;
    this.token = token;
    this.agentJar = agentJar;
    this.clock = clock;
  }

  /** A spawner for a shadow at {@code address}, the shadow jar found from this agent's jar. */
  public static ShadowSpawner forAddress(ShadowAddress address, SpawnSettings settings, Optional<String> token,
      Clock clock) {
    return new ShadowSpawner(address, settings, token, ShadowJar.agentJar(), clock);
  }

  /**
   * Called by the transport when no shadow answered at the address: starts an attempt unless one
   * is running, spawning gave up, or the last attempt was less than {@link #RETRY_AFTER} ago.
   */
  public synchronized void shadowAbsent() {
    if (closed || disabled || (worker != null && worker.isAlive())) {
      return;
    }
    long now = clock.millis();
    if (lastAttemptMillis != Long.MIN_VALUE && now - lastAttemptMillis < RETRY_AFTER.toMillis()) {
      return;
    }
    lastAttemptMillis = now;
    attempts++;
    worker = AgentThreads.single("spawn").newThread(this::attempt);
    worker.start();
  }

  /** Runs (on the spawn thread) once a shadow this attempt waited for listens: connect now. */
  public void onListening(Runnable action) {
    this.onListening = action;
  }

  /** Attempts started so far. */
  synchronized int attempts() {
    return attempts;
  }

  /** True once spawning gave up for good (no jar, no java). */
  synchronized boolean disabled() {
    return disabled;
  }

  /** For tests: waits for the running attempt, if any, to finish. */
  void awaitAttempt(Duration timeout) throws InterruptedException {
    Thread w;
    synchronized (this) {
      w = worker;
    }
    if (w != null) {
      w.join(timeout.toMillis());
    }
  }

  /** The process this agent launched last, if any (tests, logs). */
  public Optional<Process> launched() {
    return launched;
  }

  private void attempt() {
    try {
      Optional<Launch> launch = prepare();
      if (launch.isEmpty()) {
        return;
      }
      Files.createDirectories(launch.get().dataDir());
      try (FileChannel lockFile = FileChannel.open(launch.get().dataDir().resolve("spawn-" + address.port() + ".lock"),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = acquire(lockFile)) {
        if (closed) {
          return;
        }
        if (listening()) {
          AgentLog.info("shadow=spawn: a shadow already listens on " + address + "; not starting another");
          onListening.run();
          return;
        }
        launchAndAwait(launch.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      AgentLog.warn("shadow=spawn: could not start a shadow on " + address + " (" + t
          + "); the application runs on, retrying the shadow with back-off");
    }
  }

  /** Finds the jar and java; empty (and spawning off for good, logged once) when one is missing. */
  private Optional<Launch> prepare() {
    List<Path> candidates = ShadowJar.candidates(settings.home(), agentJar);
    Optional<Path> jar = ShadowJar.find(candidates);
    if (jar.isEmpty()) {
      giveUp("no " + ShadowJar.NAME + " at " + candidates
          + (settings.home().isPresent() ? " (from UMBRA_HOME/home)" : "; set UMBRA_HOME or -Dumbra.home to its folder"));
      return Optional.empty();
    }
    Optional<Path> java = ProcessHandle.current().info().command().map(Path::of).filter(Files::isExecutable);
    if (java.isEmpty()) {
      giveUp("cannot tell which java runs this JVM, to run the shadow with it");
      return Optional.empty();
    }
    Path data = settings.dataDirOrDefault();
    return Optional.of(new Launch(java.get(), jar.get(), data));
  }

  private synchronized void giveUp(String why) {
    disabled = true;
    AgentLog.error("shadow=spawn: cannot start a shadow: " + why + "; the application runs on and the agent keeps"
        + " trying to reach a shadow on " + address);
  }

  private FileLock acquire(FileChannel channel) throws IOException, InterruptedException {
    long deadline = clock.millis() + LOCK_TIMEOUT.toMillis();
    while (true) {
      try {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return lock;
        }
      } catch (OverlappingFileLockException e) {
        // another agent in this JVM holds it (attached twice); wait like for another process
      }
      if (closed || clock.millis() > deadline) {
        throw new IOException("timed out waiting for the spawn lock of another primary");
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  private void launchAndAwait(Launch launch) throws IOException, InterruptedException {
    Path log = launch.dataDir().resolve("shadow.log");
    List<String> command = SpawnCommand.command(launch.java(), launch.jar(), address, settings, launch.dataDir(),
        setsid());
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(launch.dataDir().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    SpawnCommand.environment(builder.environment(), token);
    Process process = builder.start();
    launched = Optional.of(process);
    AgentLog.info("shadow=spawn: started a shadow, pid " + process.pid() + ", on " + address + "; its log: " + log);
    long deadline = clock.millis() + START_TIMEOUT.toMillis();
    while (!closed && clock.millis() < deadline) {
      if (listening()) {
        AgentLog.info("shadow=spawn: the shadow (pid " + process.pid() + ") listens on " + address);
        onListening.run();
        return;
      }
      if (!process.isAlive()) {
        String tail = tail(log);
        if ((tail.contains("address already in use") || tail.contains("in use by another shadow")) && listening()) {
          AgentLog.info("shadow=spawn: another shadow took " + address + " first; using it");
          onListening.run();
        } else {
          AgentLog.warn("shadow=spawn: the shadow exited with code " + process.exitValue() + " before listening on "
              + address + ": " + tail.strip().replace('\n', ' ') + " (see " + log + ")");
        }
        return;
      }
      Thread.sleep(POLL_MILLIS);
    }
    if (!closed) {
      AgentLog.warn("shadow=spawn: the shadow (pid " + process.pid() + ") did not listen on " + address + " within "
          + START_TIMEOUT.toSeconds() + " s; see " + log);
    }
  }

  /** True when something accepts TCP connections at the address. */
  boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address.host(), address.port()), (int) PROBE_TIMEOUT.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<Path> setsid() {
    for (String candidate : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
      Path p = Path.of(candidate);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The last lines of the shadow's log, for a one-line warning. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** Stops waiting; a shadow already launched keeps running (it exits once idle). */
  @Override
  public void close() {
    closed = true;
    Thread w;
    synchronized (this) {
      w = worker;
    }
    if (w != null) {
      w.interrupt();
    }
  }

  private record Launch(Path java, Path jar, Path dataDir) {}
}
