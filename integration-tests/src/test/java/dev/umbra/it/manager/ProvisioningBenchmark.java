package dev.umbra.it.manager;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.cgroup.Cgroup;
import dev.umbra.allocator.cgroup.CgroupManager;
import dev.umbra.allocator.cgroup.CgroupStats;
import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.Decision;
import dev.umbra.proto.v1.DecisionAction;
import dev.umbra.proto.v1.ListDecisionsRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resource manager's experiment (not a test; run by {@code bench/provisioning.sh}). A real
 * primary JVM ({@link dev.umbra.it.primaries.PhasedWorkload}, with the agent) runs in a cgroup of
 * its own (v1 or v2, created and removed with {@link CgroupManager}) under three policies:
 *
 * <ul>
 *   <li>{@code fixed}: limits set once for the peak;
 *   <li>{@code reactive}: a threshold autoscaler in this JVM: every {@link #REACTIVE_EVERY}, when
 *       usage crosses 90 % of the limit, the limit becomes usage / 0.7; below 50 % for the
 *       stabilisation window (the manager's cooldown) it comes down to usage / 0.7;
 *   <li>{@code umbra}: a real {@code umbra serve --manage auto --allocator cgroup}; the manager
 *       adopts the primary's cgroup from its pid.
 * </ul>
 *
 * Every second it samples the cgroup's counters ({@code cpu.stat}, memory usage, failcnt or
 * {@code memory.events}, OOM kills) and the process's CPU time and RSS. A second experiment runs
 * a JVM whose live set grows, then shrinks, under Umbra alone, and compares its memory limit with
 * a VPA-style recommendation from RSS (peak RSS so far + 15 %).
 *
 * <p>Arguments: {@code outDir [cpu|memory|all] [phaseSeconds] [measuredCycles] [learnCycles]}.
 */
public final class ProvisioningBenchmark {
  static final Duration REACTIVE_EVERY = Duration.ofSeconds(2);
  static final long MIB = 1 << 20;
  /** The CPU experiment's phases: demand rises in steps, then drops (one cycle). */
  static final double[] CPU_PHASES = {0.2, 0.4, 0.6, 0.8};
  static final int[] LIVE_PHASES = {40, 70, 100, 130};
  /** The memory experiment: the live set grows, holds, then shrinks and stays low. */
  static final int[] MEMORY_LIVE = {40, 120, 200, 280, 280, 40, 40, 40, 40, 40};

  /** One sample, once a second. */
  record Sample(double seconds, double cpuLimit, double cpuUsed, double memLimit, double memUsed, double rss,
      long nrThrottled, double throttledSeconds, long failcnt, long oomKills) {}

  /** What one run measured over its measured window. */
  record Run(String name, List<Sample> samples, Map<String, String> workload, long throttledPeriods,
      double throttledSeconds, long periods, long failcnt, long oomKills, double meanCpuLimit, double meanCpuUsed,
      double meanMemLimit, double meanMemUsed, double meanRss, String load, int changes, boolean primaryAlive) {}

  private ProvisioningBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "results/manager");
    String which = args.length > 1 ? args[1] : "all";
    int phaseSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    int measured = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    int learn = args.length > 4 ? Integer.parseInt(args[4]) : 4;
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("umbra-provisioning");
    CgroupManager cgroups = CgroupManager.detect();
    List<Run> cpuRuns = new ArrayList<>();
    Run memoryRun = null;
    List<double[]> vpa = new ArrayList<>();
    if (!which.equals("memory")) {
      for (String policy : List.of("fixed", "reactive", "umbra")) {
        int warm = policy.equals("umbra") ? learn : 1;
        try {
          cpuRuns.add(run(cgroups, work, policy, phaseSeconds, CPU_PHASES, LIVE_PHASES, warm, measured,
              policy.equals("fixed") ? Allocation.of(0.9, 512 * MIB) : Allocation.of(0.3, 320 * MIB), "-Xmx256m"));
        } catch (Exception | AssertionError e) {
          System.err.println(policy + ": run failed: " + e);
        }
      }
    }
    if (!which.equals("cpu")) {
      double[] cpu = new double[MEMORY_LIVE.length];
      java.util.Arrays.fill(cpu, 0.2);
      memoryRun = run(cgroups, work, "umbra-memory", 20, cpu, MEMORY_LIVE, 1, 1, Allocation.of(1.0, 640 * MIB),
          "-Xmx512m");
      double peak = 0;
      for (Sample s : memoryRun.samples()) {
        peak = Math.max(peak, s.rss());
        vpa.add(new double[] {s.seconds(), peak * 1.15});
      }
    }
    String report = Report.markdown(cpuRuns, memoryRun, vpa, phaseSeconds, measured, learn);
    System.out.println(report);
    Files.writeString(out.resolve("provisioning.md"), report);
    Files.writeString(out.resolve("provisioning.svg"), Report.svg(cpuRuns, memoryRun, vpa));
    Report.csv(out, cpuRuns, memoryRun);
  }

  static Run run(CgroupManager cgroups, Path work, String policy, int phaseSeconds, double[] cpu, int[] live,
      int warmCycles, int measuredCycles, Allocation initial, String heap) throws Exception {
    Path dir = work.resolve(policy);
    Files.createDirectories(dir);
    String load0 = loadAverage();
    Cgroup cgroup = cgroups.create("bench-" + policy + "-" + ProcessHandle.current().pid());
    JavaProcess shadow = null;
    JavaProcess primary = null;
    try {
      cgroups.apply(cgroup, initial);
      int port = FreePort.pick();
      shadow = startShadow(dir, port, policy.startsWith("umbra") ? "auto" : "off");
      Path result = dir.resolve("workload.txt");
      String javaBin = JavaProcess.java17Home().resolve("bin/java").toString();
      String command = "echo $$ > " + cgroup.cpuDirectory().resolve("cgroup.procs") + " && echo $$ > "
          + cgroup.memoryDirectory().resolve("cgroup.procs") + " && exec " + javaBin + " " + heap
          + " -XX:+UseG1GC -javaagent:" + JavaProcess.agentJar() + "=shadow=127.0.0.1:" + port
          + " -cp " + JavaProcess.testClasses() + " dev.umbra.it.primaries.PhasedWorkload " + phaseSeconds * 1000 + " "
          + join(cpu) + " " + joinInts(live) + " " + warmCycles + " " + measuredCycles + " " + result;
      primary = JavaProcess.exec("primary-" + policy, List.of("sh", "-c", command), Map.of(), dir);
      primary.awaitOutput("schedule starts at \\d+", Duration.ofSeconds(60));
      Matcher m = Pattern.compile("schedule starts at (\\d+)").matcher(primary.output());
      m.find();
      long scheduleStart = Long.parseLong(m.group(1));
      long measureFrom = scheduleStart + (long) warmCycles * cpu.length * phaseSeconds * 1000;
      long measureTo = measureFrom + (long) measuredCycles * cpu.length * phaseSeconds * 1000;
      System.err.printf(Locale.ROOT, "%s: primary pid %d in %s; learning %d s, then measuring %d s%n", policy,
          primary.pid(), cgroup, (measureFrom - System.currentTimeMillis()) / 1000, (measureTo - measureFrom) / 1000);
      List<Sample> samples = new ArrayList<>();
      Reactive reactive = policy.equals("reactive") ? new Reactive(cgroups, cgroup) : null;
      long pid = primary.pid();
      double lastCpuSeconds = cpuSeconds(pid);
      long lastNanos = System.nanoTime();
      CgroupStats first = null;
      CgroupStats last = null;
      int tick = 0;
      while (System.currentTimeMillis() < measureTo + 500 && primary.isAlive()) {
        Thread.sleep(1000 - System.currentTimeMillis() % 1000);
        CgroupStats stats = cgroups.stats(cgroup);
        double cpuNow = cpuSeconds(pid);
        long nanos = System.nanoTime();
        double used = Math.max(0, (cpuNow - lastCpuSeconds) / ((nanos - lastNanos) / 1e9));
        lastCpuSeconds = cpuNow;
        lastNanos = nanos;
        if (reactive != null && ++tick % REACTIVE_EVERY.toSeconds() == 0) {
          reactive.step(used, stats);
        }
        long now = System.currentTimeMillis();
        if (now >= measureFrom && now <= measureTo) {
          if (first == null) {
            first = stats;
          }
          last = stats;
          samples.add(new Sample((now - measureFrom) / 1000.0, stats.cpuQuotaCores().orElse(Double.NaN), used,
              stats.memoryLimitBytes().isPresent() ? stats.memoryLimitBytes().getAsLong() : Double.NaN,
              stats.memoryUsageBytes(), rss(pid), stats.cpuThrottledPeriods(),
              stats.cpuThrottledTime().toNanos() / 1e9, stats.memoryLimitHits(), stats.oomKills()));
        }
      }
      boolean alive = primary.isAlive();
      long finishBy = System.nanoTime() + Duration.ofMinutes(3).toNanos(); // a loaded machine runs late
      while (primary.isAlive() && System.nanoTime() < finishBy) {
        Thread.sleep(500);
      }
      if (primary.isAlive()) {
        System.err.println(policy + ": the primary had not finished its schedule 3 min after it was due; killed");
      }
      CgroupStats end = cgroups.stats(cgroup);
      Map<String, String> workload = parse(Files.exists(result) ? Files.readString(result) : "");
      int changes = policy.startsWith("umbra") ? changes(port) : reactive != null ? reactive.changes : 0;
      if (first == null) {
        first = end;
        last = end;
      }
      Run run = new Run(policy, samples, workload, last.cpuThrottledPeriods() - first.cpuThrottledPeriods(),
          (last.cpuThrottledTime().toNanos() - first.cpuThrottledTime().toNanos()) / 1e9,
          last.cpuPeriods() - first.cpuPeriods(), end.memoryLimitHits() - first.memoryLimitHits(), end.oomKills(),
          mean(samples, Sample::cpuLimit), mean(samples, Sample::cpuUsed), mean(samples, Sample::memLimit),
          mean(samples, Sample::memUsed), mean(samples, Sample::rss), load0 + " -> " + loadAverage(), changes,
          alive && !workload.isEmpty());
      System.err.printf(Locale.ROOT, "%s: throttled %d periods %.2f s, failcnt %d, oom %d, cpu %.3f/%.3f, mem %.0f/%.0f MiB, %s%n",
          policy, run.throttledPeriods(), run.throttledSeconds(), run.failcnt(), run.oomKills(), run.meanCpuLimit(),
          run.meanCpuUsed(), run.meanMemLimit() / MIB, run.meanMemUsed() / MIB, workload);
      return run;
    } finally {
      if (primary != null) {
        primary.close();
      }
      if (shadow != null) {
        shadow.close();
      }
      removeQuietly(cgroups, cgroup);
    }
  }

  private static JavaProcess startShadow(Path dir, int port, String manage) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OMP_NUM_THREADS", "1");
    env.put("UMBRA_MANAGE_EVERY", "2s");
    env.put("UMBRA_MANAGE_LEAD", "8s");
    env.put("UMBRA_MANAGE_CONFIDENCE", "0.95");
    env.put("UMBRA_MANAGE_HEADROOM", "0.1");
    env.put("UMBRA_MANAGE_BAND", "0.2");
    env.put("UMBRA_MANAGE_COOLDOWN", "30s");
    env.put("UMBRA_MANAGE_CPU_MIN", "0.05");
    env.put("UMBRA_MANAGE_CPU_MAX", "2");
    env.put("UMBRA_MANAGE_MEMORY_MIN", "64m");
    env.put("UMBRA_MANAGE_MEMORY_MAX", "2g");
    JavaProcess shadow = JavaProcess.start("shadow", JavaProcess.java17Home(),
        List.of("-Xmx512m", "-XX:+UseG1GC", "-jar", JavaProcess.shadowJar().toString(), "serve", "--port",
            String.valueOf(port), "--http-port", String.valueOf(FreePort.pick()), "--data",
            dir.resolve("data").toString(), "--manage", manage, "--allocator", "cgroup"), env, dir);
    shadow.awaitOutput("shadow listening on", Duration.ofSeconds(120));
    return shadow;
  }

  /** Scale-ups, scale-downs and heap changes the manager applied. */
  private static int changes(int port) {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      List<Decision> decisions = ControlServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .listDecisions(ListDecisionsRequest.newBuilder().setLimit(10_000).setChangesOnly(true).build())
          .getDecisionsList();
      return (int) decisions.stream().filter(d -> d.getApplied()
          || d.getAction() == DecisionAction.DECISION_ACTION_SCALE_DOWN).count();
    } catch (RuntimeException e) {
      System.err.println("cannot read the decisions: " + e);
      return -1;
    } finally {
      channel.shutdownNow();
    }
  }

  /** The threshold autoscaler the predictive manager is compared with. */
  static final class Reactive {
    private final CgroupManager cgroups;
    private final Cgroup cgroup;
    private long lastChangeMillis;
    int changes;

    Reactive(CgroupManager cgroups, Cgroup cgroup) {
      this.cgroups = cgroups;
      this.cgroup = cgroup;
    }

    void step(double cpuUsed, CgroupStats stats) {
      double cpuLimit = stats.cpuQuotaCores().orElse(2.0);
      double memLimit = stats.memoryLimitBytes().isPresent() ? stats.memoryLimitBytes().getAsLong() : 2048.0 * MIB;
      double mem = stats.memoryUsageBytes();
      boolean cooled = System.currentTimeMillis() - lastChangeMillis >= 30_000;
      double cpu = cpuLimit;
      if (cpuUsed >= 0.9 * cpuLimit) {
        cpu = Math.min(2.0, cpuUsed / 0.7);
      } else if (cpuUsed < 0.5 * cpuLimit && cooled) {
        cpu = Math.max(0.05, cpuUsed / 0.7);
      }
      double memory = memLimit;
      if (mem >= 0.9 * memLimit) {
        memory = Math.min(2048.0 * MIB, mem / 0.7);
      } else if (mem < 0.5 * memLimit && cooled) {
        memory = Math.max(64.0 * MIB, mem / 0.7);
      }
      if (Math.abs(cpu - cpuLimit) > 1e-3 || Math.abs(memory - memLimit) > MIB) {
        try {
          cgroups.apply(cgroup, Allocation.of(cpu, (long) memory));
          changes++;
          lastChangeMillis = System.currentTimeMillis();
        } catch (AllocatorException e) {
          System.err.println("reactive: " + e.getMessage());
        }
      }
    }
  }

  private static void removeQuietly(CgroupManager cgroups, Cgroup cgroup) {
    try {
      cgroups.remove(cgroup);
    } catch (AllocatorException e) {
      System.err.println("could not remove " + cgroup + ": " + e.getMessage());
    }
  }

  /** utime + stime of a process, seconds (USER_HZ = 100 on Linux). */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  static double rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
        }
      }
    } catch (Exception e) {
      // gone
    }
    return Double.NaN;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0];
    } catch (Exception e) {
      return "?";
    }
  }

  static Map<String, String> parse(String line) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String part : line.strip().split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        map.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return map;
  }

  static double mean(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
    return samples.stream().mapToDouble(f).filter(Double::isFinite).average().orElse(Double.NaN);
  }

  private static String join(double[] values) {
    StringBuilder s = new StringBuilder();
    for (double v : values) {
      s.append(s.length() == 0 ? "" : ",").append(v);
    }
    return s.toString();
  }

  private static String joinInts(int[] values) {
    StringBuilder s = new StringBuilder();
    for (int v : values) {
      s.append(s.length() == 0 ? "" : ",").append(v);
    }
    return s.toString();
  }
}
