package dev.umbra.it.agent;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A third-party primary under load, for the overhead benchmarks. */
interface BenchWorkload extends AutoCloseable {
  /** Operations per second over {@code duration} of load. */
  double load(Duration duration) throws Exception;

  long pid();

  /** What {@link #load} counts, for the report: {@code stmt/s}, {@code req/s}. */
  String unit();

  @Override
  void close() throws InterruptedException;

  /** Starts the named workload ({@code h2} or {@code jetty}) and waits until it serves. */
  static BenchWorkload start(String kind, String name, Path javaHome, Path dir, List<String> jvm) throws Exception {
    return switch (kind) {
      case "h2" -> new H2(H2Workload.start(name, javaHome, dir, jvm));
      // the server alone on CPU 0, so that what the agent costs it shows as lost throughput
      // rather than as a shift in how two busy CPUs are shared (run the load JVM on CPU 1)
      case "h2-pinned" -> new H2(H2Workload.start(name, List.of("taskset", "-c", "0"), javaHome, dir, jvm));
      case "jetty" -> Jetty.start(name, javaHome, dir, jvm);
      default -> throw new IllegalArgumentException("unknown workload '" + kind + "' (h2, h2-pinned or jetty)");
    };
  }

  /** H2 server, SQL load over JDBC from this JVM (see {@link H2Workload}). */
  record H2(H2Workload h2) implements BenchWorkload {
    @Override
    public double load(Duration duration) throws Exception {
      long t0 = System.nanoTime();
      long statements = h2.load(duration);
      return statements / ((System.nanoTime() - t0) / 1e9);
    }

    @Override
    public long pid() {
      return h2.server.pid();
    }

    @Override
    public String unit() {
      return "stmt/s";
    }

    @Override
    public void close() throws InterruptedException {
      h2.server.close();
    }
  }

  /**
   * Jetty 12 serving static files ({@link JettyFileServer}) pinned to CPU 0 with
   * {@code taskset -c 0}; the load is Apache {@code ab} (keep-alive, 4 connections) pinned to
   * CPU 1, fetching a 4 KB file (the set-up of issue 19). Needs {@code taskset} and {@code ab} (Debian
   * {@code apache2-utils}) on the PATH and two CPUs.
   */
  record Jetty(JavaProcess server, int port, Path dir) implements BenchWorkload {
    static final String FILE = "static/page-4k.bin";
    private static final Pattern RPS = Pattern.compile("Requests per second:\\s+([0-9.]+)");
    private static final Pattern FAILED = Pattern.compile("Failed requests:\\s+(\\d+)");
    private static final Pattern NON2XX = Pattern.compile("Non-2xx responses:\\s+(\\d+)");

    static Jetty start(String name, Path javaHome, Path dir, List<String> jvm) throws Exception {
      Path root = dir.resolve("static");
      Files.createDirectories(root);
      byte[] page = new byte[4 * 1024];
      for (int i = 0; i < page.length; i++) {
        page[i] = (byte) ('a' + i % 26);
      }
      Files.write(dir.resolve(FILE), page);
      int port = FreePort.pick();
      List<String> command = new ArrayList<>(List.of("taskset", "-c", "0", javaHome.resolve("bin/java").toString()));
      command.addAll(jvm);
      command.addAll(List.of("-Xmx96m", "-cp", JettyFileServer.classPath(),
          JettyFileServer.class.getName(), Integer.toString(port), root.toString()));
      JavaProcess process = JavaProcess.exec(name, command, Map.of(), dir);
      process.awaitOutput("Jetty serving", Duration.ofSeconds(60));
      return new Jetty(process, port, dir);
    }

    @Override
    public double load(Duration duration) throws Exception {
      Path out = Files.createTempFile(dir, "ab-", ".txt");
      Process ab = new ProcessBuilder("taskset", "-c", "1", "ab", "-q", "-k", "-c", "4",
          "-t", Long.toString(Math.max(1, duration.toSeconds())), "-n", "100000000",
          "http://127.0.0.1:" + port + "/" + FILE.substring("static/".length()))
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!ab.waitFor(duration.toSeconds() + 60, java.util.concurrent.TimeUnit.SECONDS)) {
        ab.destroyForcibly();
        throw new IOException("ab did not finish");
      }
      String text = Files.readString(out);
      Matcher rps = RPS.matcher(text);
      if (ab.exitValue() != 0 || !rps.find()) {
        throw new IOException("ab failed (exit " + ab.exitValue() + "):\n" + text);
      }
      Matcher failed = FAILED.matcher(text);
      Matcher non2xx = NON2XX.matcher(text);
      if ((failed.find() && Long.parseLong(failed.group(1)) > 0) || non2xx.find()) {
        throw new IOException("ab saw failed or non-2xx requests:\n" + text);
      }
      return Double.parseDouble(rps.group(1));
    }

    @Override
    public long pid() {
      return server.pid();
    }

    @Override
    public String unit() {
      return "req/s";
    }

    @Override
    public void close() throws InterruptedException {
      server.close();
    }
  }
}
