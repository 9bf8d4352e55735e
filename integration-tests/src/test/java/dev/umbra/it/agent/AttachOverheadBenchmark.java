package dev.umbra.it.agent;

import com.sun.tools.attach.VirtualMachine;
import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's steady-state overhead measured inside one JVM (not a test; run by {@code
 * agent/bench/attach-overhead.sh}). {@link AgentOverheadBenchmark} compares separate launches,
 * and one pinned Jetty launch differs from the next by ±20 % even on a quiet machine (its JIT
 * and heap sizing are decided anew each time), so a few percent are lost in the noise. Here each
 * run is one server: warmed up, measured (<em>before</em>), then the agent is loaded through the
 * Attach API, the server runs on under load while the agent starts and its code is compiled
 * (<em>settle</em>), and it is measured again (<em>after</em>). The run's after/before ratio
 * carries the agent's cost and the server's own drift; a {@code none} run in every round (no
 * attach, the same sequence) measures that drift, and each configuration's ratio is divided by
 * its round's. What it cannot see: anything the agent changes at launch (start-up, classes
 * loaded before it), which {@link AgentOverheadBenchmark} measures.
 *
 * <p>Arguments: {@code rounds warmupSeconds settleSeconds measureSeconds [out.md]
 * [config;config;…] [jetty|h2-pinned]}; configurations as {@link BenchConfig} parses them, agent
 * configurations only, besides {@code none} (the first, the baseline).
 */
public final class AttachOverheadBenchmark {
  private AttachOverheadBenchmark() {}

  /** One server's two measurements: throughput and CPU time per operation, before and after. */
  record Run(double perSecondBefore, double perSecondAfter, double cpuPerOpBefore, double cpuPerOpAfter) {
    double throughputRatio() {
      return perSecondAfter / perSecondBefore;
    }

    double cpuPerOpRatio() {
      return cpuPerOpAfter / cpuPerOpBefore;
    }
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    Duration warmup = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 40);
    Duration settle = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 60);
    Duration measure = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 20);
    Path out = args.length > 4 ? Path.of(args[4]) : null;
    List<String> configs = args.length > 5 && !args[5].isBlank() ? List.of(args[5].split(";"))
        : List.of("none", "normal", "high");
    String workload = args.length > 6 ? args[6] : "jetty";
    if (!configs.get(0).equals("none")) {
      throw new IllegalArgumentException("the first configuration must be none (the drift baseline): " + configs);
    }
    for (String c : configs.subList(1, configs.size())) {
      if (!BenchConfig.parse(c).agent()) {
        throw new IllegalArgumentException("only agent configurations can be attached: " + c);
      }
    }
    String load = AgentOverheadBenchmark.loadAverage();
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    configs.forEach(c -> runs.put(c, new ArrayList<>()));
    Path work = Files.createTempDirectory("umbra-attach-bench");
    Path javaHome = JavaProcess.java17Home();
    for (int round = 0; round < rounds; round++) {
      List<String> order = new ArrayList<>(configs);
      Collections.rotate(order, round);
      for (String config : order) {
        BenchConfig parsed = BenchConfig.parse(config);
        Run run = once(workload, parsed, javaHome, work.resolve("r" + round + "-" + parsed.slug()), warmup, settle, measure);
        runs.get(config).add(run);
        System.err.printf(Locale.ROOT, "round %d %-28s before %8.1f op/s %5.1f µs  after %8.1f op/s %5.1f µs  ratio %.3f cpu/op %.3f%n",
            round + 1, config, run.perSecondBefore(), run.cpuPerOpBefore(), run.perSecondAfter(), run.cpuPerOpAfter(),
            run.throughputRatio(), run.cpuPerOpRatio());
      }
    }
    String report = report(runs, rounds, warmup, settle, measure, workload, load);
    System.out.println(report);
    if (out != null) {
      Files.writeString(out, report);
    }
  }

  private static Run once(String workload, BenchConfig config, Path javaHome, Path dir, Duration warmup,
      Duration settle, Duration measure) throws Exception {
    int port = FreePort.pick();
    RecordingCollector collector = config.agent() ? new RecordingCollector(port).start() : null;
    try (BenchWorkload primary = BenchWorkload.start(workload, workload + "-attach-" + config.slug(), javaHome, dir, List.of())) {
      primary.load(warmup);
      double[] before = measured(primary, measure);
      if (collector != null) {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(primary.pid()));
        try {
          vm.loadAgent(config.agentJar().orElseThrow().toString(),
              "shadow=127.0.0.1:" + port + "," + config.agentOptions());
        } finally {
          vm.detach();
        }
      }
      primary.load(settle);
      double[] after = measured(primary, measure);
      if (collector != null && collector.batches().isEmpty()) {
        throw new IllegalStateException(config.label() + ": the attached agent sent nothing");
      }
      return new Run(before[0], after[0], before[1], after[1]);
    } finally {
      if (collector != null) {
        collector.close();
      }
    }
  }

  /** Throughput and the server's CPU time per operation (µs) over one measured interval. */
  private static double[] measured(BenchWorkload primary, Duration measure) throws Exception {
    long cpuBefore = AgentOverheadBenchmark.cpuTicks(primary.pid());
    long t0 = System.nanoTime();
    double perSecond = primary.load(measure);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cores = (AgentOverheadBenchmark.cpuTicks(primary.pid()) - cpuBefore) / 100.0 / seconds;
    return new double[] {perSecond, cores / perSecond * 1e6};
  }

  private static String report(Map<String, List<Run>> runs, int rounds, Duration warmup, Duration settle,
      Duration measure, String workload, String load) {
    List<Run> base = runs.get("none");
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "%s, agent attached to a running server: %d interleaved rounds, %d s warm-up + %d s measured, attach, %d s settle + %d s measured; JDK %s, load average before: %s%n%n",
        workload, rounds, warmup.toSeconds(), measure.toSeconds(), settle.toSeconds(), measure.toSeconds(),
        System.getProperty("java.version"), load));
    md.append("| config | after/before throughput (median, min–max) | the same over its round's none | after/before CPU per op | the same over its round's none |\n");
    md.append("|---|---|---|---|---|\n");
    for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
      List<Run> r = e.getValue();
      double[] tput = new double[r.size()];
      double[] tputRel = new double[r.size()];
      double[] cpu = new double[r.size()];
      double[] cpuRel = new double[r.size()];
      for (int i = 0; i < r.size(); i++) {
        tput[i] = r.get(i).throughputRatio();
        tputRel[i] = tput[i] / base.get(i).throughputRatio();
        cpu[i] = r.get(i).cpuPerOpRatio();
        cpuRel[i] = cpu[i] / base.get(i).cpuPerOpRatio();
      }
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", e.getKey(),
          spread(tput), spread(tputRel), spread(cpu), spread(cpuRel)));
    }
    return md.toString();
  }

  private static String spread(double[] values) {
    double min = java.util.Arrays.stream(values).min().orElse(0);
    double max = java.util.Arrays.stream(values).max().orElse(0);
    return String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", AgentOverheadBenchmark.median(values), min, max);
  }
}
