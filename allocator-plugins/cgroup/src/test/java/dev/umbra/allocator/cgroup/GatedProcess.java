package dev.umbra.allocator.cgroup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real child process that waits on its stdin before it {@code exec}s the command, so a test can
 * move it into a cgroup first and the command starts (and allocates) inside it.
 */
final class GatedProcess implements AutoCloseable {

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private GatedProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::drain, "gated-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  static GatedProcess start(String... command) throws IOException {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", "read gate && exec \"$@\"", "sh"));
    argv.addAll(List.of(command));
    return new GatedProcess(new ProcessBuilder(argv).redirectErrorStream(true).start());
  }

  long pid() {
    return process.pid();
  }

  /** Lets the command start: the shell reads one line and execs it. */
  void release() throws IOException {
    OutputStream in = process.getOutputStream();
    in.write("go\n".getBytes(StandardCharsets.US_ASCII));
    in.flush();
  }

  private void drain() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        output.add(line);
      }
    } catch (IOException e) {
      output.add("<output closed: " + e + ">");
    }
  }

  List<String> output() {
    return List.copyOf(output);
  }

  boolean awaitLine(Predicate<String> condition, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (output.stream().anyMatch(condition)) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  boolean awaitExit(Duration deadline) throws InterruptedException {
    return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  int exitValue() {
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
