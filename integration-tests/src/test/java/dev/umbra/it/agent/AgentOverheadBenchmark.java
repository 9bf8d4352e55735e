package dev.umbra.it.agent;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's overhead benchmark (not a test; run by {@code agent/bench/agent-overhead.sh} and
 * {@code agent/bench/jetty-overhead.sh}). A third-party server is the primary: an H2 server
 * under a JDBC SQL load from this JVM, or Jetty serving static files pinned to CPU 0 under
 * {@code ab} pinned to CPU 1. Each round starts a fresh server for every configuration, in an
 * order rotated each round (interleaved A/B), warms up, then measures operations per second;
 * throughput is reported as the median of the per-round ratios to the agent-less run of the
 * same round, with their spread. Start-up is the time from launch to the server's ready line;
 * RSS is VmRSS after the measured load.
 *
 * <p>Arguments: {@code rounds warmupSeconds measureSeconds [out.md] [config;config;…] [h2|jetty]};
 * configurations as {@link BenchConfig} parses them (the first is the baseline).
 */
public final class AgentOverheadBenchmark {
  private AgentOverheadBenchmark() {}

  /** What the workload's throughput counts (set by the first run). */
  private static String unit = "op/s";

  /**
   * @param processCpuCores the primary's CPU over the measured interval (/proc/pid/stat), cores
   * @param agentCpuCores the agent threads' own CPU over it (from Heartbeat.agent_cpu_ms), cores
   * @param startupCpuMillis CPU the primary used from launch to its ready line: unlike the
   *     wall-clock start-up it hardly depends on what else the machine runs
   */
  record Run(double statementsPerSecond, long startupMillis, long rssBytes, double processCpuCores,
      double agentCpuCores, long startupCpuMillis) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Duration warmup = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);
    Duration measure = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 20);
    Path out = args.length > 3 ? Path.of(args[3]) : null;
    Path javaHome = JavaProcess.java17Home();
    // configs: "none", "jfr-default", a criticality, or agent options ("criticality=normal,jfr=false")
    List<String> configs = args.length > 4 && !args[4].isBlank() ? List.of(args[4].split(";"))
        : List.of("none", "low", "normal", "high", "jfr-default");
    String workload = args.length > 5 ? args[5] : "h2";
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    configs.forEach(c -> runs.put(c, new ArrayList<>()));
    Path work = Files.createTempDirectory("umbra-bench");
    loadAverage = loadAverage();
    for (int round = 0; round < rounds; round++) {
      List<String> order = new ArrayList<>(configs);
      Collections.rotate(order, round);
      for (String config : order) {
        BenchConfig parsed = BenchConfig.parse(config);
        Run run = once(workload, parsed, javaHome, work.resolve("r" + round + "-" + parsed.slug()), warmup, measure);
        runs.get(config).add(run);
        System.err.printf(Locale.ROOT, "round %d %-11s %8.1f op/s start %4d ms (cpu %4d ms) rss %5.1f MB cpu %.2f agent %.3f cpu/op %.1f µs%n",
            round + 1, config, run.statementsPerSecond(), run.startupMillis(), run.startupCpuMillis(), run.rssBytes() / 1048576.0,
            run.processCpuCores(), run.agentCpuCores(), cpuMicrosPerOperation(run));
      }
    }
    String report = report(runs, rounds, warmup, measure, workload, configs.get(0));
    System.out.println(report);
    if (out != null) {
      Files.writeString(out, report);
    }
  }

  private static Run once(String workload, BenchConfig config, Path javaHome, Path dir, Duration warmup,
      Duration measure) throws Exception {
    RecordingCollector collector = config.agent() ? new RecordingCollector(FreePort.pick()).start() : null;
    long launched = System.nanoTime();
    try (BenchWorkload primary = BenchWorkload.start(workload, workload + "-" + config.slug(), javaHome, dir,
        config.jvm(collector == null ? 0 : collector.port()))) {
      long startup = (System.nanoTime() - launched) / 1_000_000;
      long startupCpu = cpuTicks(primary.pid()) * 10;
      primary.load(warmup);
      long cpuBefore = cpuTicks(primary.pid());
      double agentBefore = agentCpuMillis(collector);
      long t0 = System.nanoTime();
      double perSecond = primary.load(measure);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long cpuAfter = cpuTicks(primary.pid());
      Thread.sleep(5500); // the next heartbeat (every 5 s) reports the agent's CPU up to here
      double agentAfter = agentCpuMillis(collector);
      long rss = rss(primary.pid());
      double agentCores = agentAfter < 0 || agentBefore < 0 ? 0 : (agentAfter - agentBefore) / 1000 / (seconds + 5.5);
      unit = primary.unit();
      return new Run(perSecond, startup, rss, (cpuAfter - cpuBefore) / 100.0 / seconds, agentCores, startupCpu);
    } finally {
      if (collector != null) {
        collector.close();
      }
    }
  }

  /**
   * The primary's CPU time per operation over the measured interval, in µs: steadier than
   * throughput when other processes share the machine, since it does not depend on how much CPU
   * the primary was given.
   */
  static double cpuMicrosPerOperation(Run run) {
    return run.statementsPerSecond() > 0 ? run.processCpuCores() / run.statementsPerSecond() * 1e6 : 0;
  }

  /** utime + stime of a process, in clock ticks (USER_HZ = 100 on Linux). */
  static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static double agentCpuMillis(RecordingCollector collector) {
    if (collector == null || collector.heartbeats().isEmpty()) {
      return -1;
    }
    List<dev.umbra.proto.v1.Heartbeat> beats = collector.heartbeats();
    return beats.get(beats.size() - 1).getAgentCpuMs();
  }

  static long rss(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    return 0;
  }

  private static String loadAverage = "?";

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String report(Map<String, List<Run>> runs, int rounds, Duration warmup, Duration measure,
      String workload, String baseline) {
    List<Run> base = runs.get(baseline);
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "%s: %d interleaved rounds, %d s warm-up + %d s measured per run, JDK %s, %d CPUs, load average before: %s%n%n",
        workload, rounds, warmup.toSeconds(), measure.toSeconds(), System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), loadAverage));
    md.append("| config | " + unit + " (median) | throughput vs " + baseline + ": median ratio | min–max ratio | cost | start-up (median) | start-up added | start-up CPU (median) | start-up CPU added | RSS (median) | RSS added | RSS min–max | process CPU (cores) | agent threads CPU (cores) | agent share of process CPU | CPU per op (median) | CPU per op added | CPU per op min–max |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    double baseCpuPerOp = median(base.stream().mapToDouble(AgentOverheadBenchmark::cpuMicrosPerOperation).toArray());
    double baseStartCpu = median(base.stream().mapToDouble(Run::startupCpuMillis).toArray());
    double baseStart = median(base.stream().mapToDouble(Run::startupMillis).toArray());
    double baseRss = median(base.stream().mapToDouble(Run::rssBytes).toArray());
    for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
      List<Run> r = e.getValue();
      double[] ratios = new double[r.size()];
      for (int i = 0; i < r.size(); i++) {
        ratios[i] = r.get(i).statementsPerSecond() / base.get(i).statementsPerSecond();
      }
      double ratio = median(ratios);
      double start = median(r.stream().mapToDouble(Run::startupMillis).toArray());
      double startCpu = median(r.stream().mapToDouble(Run::startupCpuMillis).toArray());
      double rssMin = r.stream().mapToDouble(Run::rssBytes).min().orElse(0) / 1048576.0;
      double rssMax = r.stream().mapToDouble(Run::rssBytes).max().orElse(0) / 1048576.0;
      double rss = median(r.stream().mapToDouble(Run::rssBytes).toArray());
      double cpu = median(r.stream().mapToDouble(Run::processCpuCores).toArray());
      double agent = median(r.stream().mapToDouble(Run::agentCpuCores).toArray());
      double[] perOp = r.stream().mapToDouble(AgentOverheadBenchmark::cpuMicrosPerOperation).toArray();
      double cpuPerOp = median(perOp);
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.3f | %.3f–%.3f | %+.1f %% | %.0f ms | %+.0f ms | %.0f ms | %+.0f ms | %.1f MB | %+.1f MB | %.0f–%.0f MB | %.2f | %.3f | %.1f %% | %.1f µs | %+.1f %% | %.1f–%.1f µs |%n",
          e.getKey(), median(r.stream().mapToDouble(Run::statementsPerSecond).toArray()), ratio,
          Arrays.stream(ratios).min().orElse(0), Arrays.stream(ratios).max().orElse(0), (1 - ratio) * 100,
          start, start - baseStart, startCpu, startCpu - baseStartCpu, rss / 1048576.0, (rss - baseRss) / 1048576.0,
          rssMin, rssMax, cpu, agent,
          cpu > 0 ? 100 * agent / cpu : 0, cpuPerOp, 100 * (cpuPerOp / baseCpuPerOp - 1),
          Arrays.stream(perOp).min().orElse(0), Arrays.stream(perOp).max().orElse(0)));
    }
    return md.toString();
  }
}
