package dev.umbra.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * A real child process (a shadow, a primary, a load generator) whose combined output goes to a
 * log file. Tests wait on conditions with deadlines; {@link #close()} kills the process tree and
 * {@link #output()} is printed by tests on failure.
 */
public final class JavaProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private JavaProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** The JDK the tests were started with (17 in CI). */
  public static Path java17Home() {
    return Path.of(System.getProperty("umbra.java17.home", System.getProperty("java.home")));
  }

  /** The Temurin 25 JDK installed beside the default one, when present. */
  public static java.util.Optional<Path> java25Home() {
    Path home = Path.of(System.getProperty("umbra.java25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    return Files.isExecutable(home.resolve("bin/java")) ? java.util.Optional.of(home) : java.util.Optional.empty();
  }

  public static Path shadowJar() {
    return requiredFile("umbra.shadow.jar");
  }

  public static Path agentJar() {
    return requiredFile("umbra.agent.jar");
  }

  /** {@code umbra-evaluation.jar}: demo, backtest and nab, run on a class path after {@link #shadowJar()}. */
  public static Path evaluationJar() {
    return requiredFile("umbra.evaluation.jar");
  }

  /** Classes compiled from this module's test sources: sample primaries live there. */
  public static Path testClasses() {
    return requiredFile("umbra.test.classes");
  }

  private static Path requiredFile(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(property + " is not set; run through failsafe (mvn verify)");
    }
    Path path = Path.of(value).toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw new IllegalStateException(property + "=" + path + " does not exist; build first");
    }
    return path;
  }

  /**
   * Starts {@code javaHome/bin/java} with the given arguments.
   *
   * @param name used for the log file and in messages
   * @param env extra environment variables
   */
  public static JavaProcess start(
      String name, Path javaHome, List<String> javaArgs, Map<String, String> env, Path workDir)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin/java").toString());
    command.addAll(javaArgs);
    return exec(name, command, env, workDir);
  }

  /** Starts any command. */
  public static JavaProcess exec(
      String name, List<String> command, Map<String, String> env, Path workDir) throws IOException {
    Files.createDirectories(workDir);
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new JavaProcess(name, builder.start(), log);
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the process printed so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Waits until the output matches {@code regex}; fails with the output when it does not. */
  public void awaitOutput(String regex, Duration timeout) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
    awaitCondition(
        "output of " + name + " to match /" + regex + "/",
        () -> pattern.matcher(output()).find(),
        timeout);
  }

  /** Waits until {@code condition} holds, checking every 100 ms; fails with the output. */
  public void awaitCondition(String what, BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return;
      }
      if (!process.isAlive() && !condition.getAsBoolean()) {
        throw new AssertionError(
            name + " exited with " + process.exitValue() + " while waiting for " + what
                + "\n--- output of " + name + " ---\n" + output());
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "timed out after " + timeout + " waiting for " + what + "\n--- output of " + name + " ---\n"
            + output());
  }

  /** Waits for the process to exit and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          name + " did not exit within " + timeout + "\n--- output ---\n" + output());
    }
    return process.exitValue();
  }

  /** Sends SIGKILL to the process and its descendants. */
  public void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        kill();
      }
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
