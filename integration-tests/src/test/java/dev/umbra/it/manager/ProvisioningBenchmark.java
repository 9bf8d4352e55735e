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
 *       usage crosses 90 % of the limit, the limit becomes usage / 0.7; when the highest usage of
 *       the last 30 s (the stabilisation window, as long as the manager's cooldown) is below 50 %,
 *       it comes down to that highest usage / 0.7;
 *   <li>{@code umbra}: a real {@code umbra serve --manage auto --allocator cgroup}; the manager
 *       adopts the primary's cgroup from its pid.
 * </ul>
 *
 * Every second it samples the cgroup's counters ({@code cpu.stat}, memory usage, failcnt or
 * {@code memory.events}, OOM kills) and the process's CPU time and RSS. A second experiment runs
 * a JVM whose live set grows, then shrinks, under Umbra alone, and compares its memory limit with
 * a VPA-style recommendation from RSS (peak RSS since the primary started + 15 %: a VPA's
 * histogram remembers days, so the warm-up cycle counts).
 *
 * <p>The machine is shared: other engineers' builds keep its load average far above its two
 * cores. So that the quota under test, not contention, decides what the primary gets, the
 * primary's cgroup has a high CPU weight ({@link #PRIMARY_SHARES}), and the shadow runs in a
 * control cgroup of high weight too ({@link #CONTROL_SHARES}; so does this harness, which plays
 * the reactive autoscaler). The policies run in turn, their order rotated each repetition, so
 * that the machine's load falls on all alike; the load average is sampled every second.
 *
 * <p>The workload's own throughput comes from its progress file: CPU work done over work due in
 * the measured window, and how far behind its schedule it was at the end.
 *
 * <p>Arguments: {@code outDir [cpu|memory|all] [phaseSeconds] [measuredCycles] [learnCycles] [repetitions]
 * [firstRepetition]}.
 */
public final class ProvisioningBenchmark {
  static final Duration REACTIVE_EVERY = Duration.ofSeconds(2);
  /** cgroup v1 cpu.shares of the primary (a task's is 1024); v2 gets the highest cpu.weight. */
  static final int PRIMARY_SHARES = 131072;
  /** cpu.shares of the control cgroup (shadow and this harness). */
  static final int CONTROL_SHARES = 65536;
  static final List<String> POLICIES = List.of("fixed", "reactive", "umbra");
  static final long MIB = 1 << 20;
  /** The CPU experiment's phases: demand rises in steps, then drops (one cycle). */
  static final double[] CPU_PHASES = {0.2, 0.4, 0.6, 0.8};
  static final int[] LIVE_PHASES = {40, 70, 100, 130};
  /** The memory experiment: the live set grows, holds, then shrinks and stays low. */
  static final int[] MEMORY_LIVE = {40, 120, 200, 280, 280, 40, 40, 40, 40, 40};

  /** One sample, once a second. */
  record Sample(double seconds, double cpuLimit, double cpuUsed, double memLimit, double memUsed, double rss,
      long nrThrottled, double throttledSeconds, long failcnt, long oomKills, double load, double rssPeak) {}

  /** The workload's progress file: when, windows done (all workers), CPU work done in µs. */
  record Progress(long epochMillis, long windows, long workMicros) {}

  /** What one run measured over its measured window. */
  record Run(String name, int repetition, List<Sample> samples, Map<String, String> workload, long throttledPeriods,
      double throttledSeconds, long periods, long failcnt, long oomKills, double meanCpuLimit, double meanCpuUsed,
      double meanMemLimit, double meanMemUsed, double meanRss, double[] load, int changes, boolean primaryAlive,
      double throughput, double lagSeconds) {}

  private ProvisioningBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "results/manager");
    String which = args.length > 1 ? args[1] : "all";
    int phaseSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    int measured = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int learn = args.length > 4 ? Integer.parseInt(args[4]) : 4;
    int repetitions = args.length > 5 ? Integer.parseInt(args[5]) : 3;
    int firstRep = args.length > 6 ? Integer.parseInt(args[6]) : 1; // to continue an interrupted series
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("umbra-provisioning");
    CgroupManager cgroups = CgroupManager.detect();
    Cgroup home = cgroups.own();
    Cgroup control = cgroups.create("bench-control-" + ProcessHandle.current().pid(), home);
    made.add(control);
    // killed by a signal (Ctrl-C, kill), the finally blocks do not run: end the children and
    // remove the cgroups here, or they outlive the harness
    Thread cleanup = new Thread(() -> {
      ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
      ProcessHandle.current().descendants().forEach(p -> p.onExit().join());
      try {
        cgroups.movePid(home, ProcessHandle.current().pid());
      } catch (AllocatorException e) {
        System.err.println("could not leave " + control + ": " + e.getMessage());
      }
      List.copyOf(made).forEach(c -> removeQuietly(cgroups, c));
    }, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      weight(control, CONTROL_SHARES);
      cgroups.movePid(control, ProcessHandle.current().pid());
      Env env = new Env(cgroups, home, control, work);
      if (!which.equals("memory")) {
        List<Run> cpuRuns = new ArrayList<>();
        for (int rep = firstRep; rep < firstRep + repetitions; rep++) {
          for (int k = 0; k < POLICIES.size(); k++) {
            String policy = POLICIES.get((k + rep - 1) % POLICIES.size()); // rotated: load falls on all alike
            int warm = policy.equals("umbra") ? learn : 1;
            try {
              cpuRuns.add(run(env, policy, rep, phaseSeconds, CPU_PHASES, LIVE_PHASES, warm, measured,
                  policy.equals("fixed") ? Allocation.of(0.9, 512 * MIB) : Allocation.of(0.3, 320 * MIB), "-Xmx256m"));
            } catch (Exception | AssertionError e) {
              System.err.println(policy + " #" + rep + ": run failed: " + e);
            }
          }
          write(out, "cpu", Report.cpuMarkdown(cpuRuns, phaseSeconds, measured, learn), Report.svg(cpuRuns, null, List.of()),
              Report.csv(cpuRuns));
        }
      }
      if (!which.equals("cpu")) {
        List<Run> memoryRuns = new ArrayList<>();
        List<List<double[]>> vpas = new ArrayList<>();
        for (int rep = 1; rep <= (which.equals("memory") ? repetitions : 1); rep++) {
          double[] cpu = new double[MEMORY_LIVE.length];
          java.util.Arrays.fill(cpu, 0.2);
          Run memoryRun = run(env, "umbra-memory", rep, 20, cpu, MEMORY_LIVE, 1, 1, Allocation.of(1.0, 640 * MIB),
              "-Xmx512m");
          List<double[]> vpa = new ArrayList<>(); // peak RSS since the start (warm-up cycle included) + 15 %
          for (Sample x : memoryRun.samples()) {
            vpa.add(new double[] {x.seconds(), x.rssPeak() * 1.15});
          }
          memoryRuns.add(memoryRun);
          vpas.add(vpa);
          write(out, "memory", Report.memoryMarkdown(memoryRuns, vpas),
              Report.svg(List.of(), memoryRuns.get(0), vpas.get(0)), Report.csv(memoryRuns));
        }
      }
    } finally {
      cgroups.movePid(home, ProcessHandle.current().pid());
      removeQuietly(cgroups, control);
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
  }

  /** The cgroups this harness made and has not removed yet (for its shutdown hook). */
  private static final java.util.Set<Cgroup> made = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Where the runs happen: cgroups under {@code home}, the shadow and this harness in {@code control}. */
  record Env(CgroupManager cgroups, Cgroup home, Cgroup control, Path work) {}

  private static void write(Path out, String name, String markdown, String svg, String csv) throws java.io.IOException {
    System.out.println(markdown);
    Files.writeString(out.resolve(name + ".md"), markdown);
    Files.writeString(out.resolve(name + ".svg"), svg);
    Files.writeString(out.resolve(name + ".csv"), csv);
  }

  /** Sets a cgroup's CPU weight: cpu.shares (v1) or cpu.weight (v2, at most 10000). */
  static void weight(Cgroup cgroup, int shares) throws java.io.IOException {
    Path v1 = cgroup.cpuDirectory().resolve("cpu.shares");
    if (Files.exists(v1)) {
      Files.writeString(v1, Integer.toString(shares));
    } else {
      Files.writeString(cgroup.cpuDirectory().resolve("cpu.weight"), Integer.toString(Math.min(10000, shares / 10)));
    }
  }

  static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  static Run run(Env env, String policy, int rep, int phaseSeconds, double[] cpu, int[] live,
      int warmCycles, int measuredCycles, Allocation initial, String heap) throws Exception {
    CgroupManager cgroups = env.cgroups();
    Path dir = env.work().resolve(policy + "-" + rep);
    Files.createDirectories(dir);
    Cgroup cgroup = cgroups.create("bench-" + policy + "-" + rep + "-" + ProcessHandle.current().pid(), env.home());
    made.add(cgroup);
    JavaProcess shadow = null;
    JavaProcess primary = null;
    try {
      cgroups.apply(cgroup, initial);
      weight(cgroup, PRIMARY_SHARES);
      int port = FreePort.pick();
      shadow = startShadow(dir, port, policy.startsWith("umbra") ? "auto" : "off");
      cgroups.movePid(env.control(), shadow.pid());
      Path result = dir.resolve("workload.txt");
      String javaBin = JavaProcess.java17Home().resolve("bin/java").toString();
      String command = "echo $$ > " + cgroup.cpuDirectory().resolve("cgroup.procs") + " && echo $$ > "
          + cgroup.memoryDirectory().resolve("cgroup.procs") + " && exec " + javaBin + " " + heap
          + " -XX:+UseG1GC -Xlog:gc*:file=" + dir.resolve("gc.log") + " -javaagent:" + JavaProcess.agentJar() + "=shadow=127.0.0.1:" + port
          + "," + new dev.umbra.it.support.ShadowCredentials(dir.resolve("data")).agentOption()
          + " -cp " + JavaProcess.testClasses() + " dev.umbra.it.primaries.PhasedWorkload " + phaseSeconds * 1000 + " "
          + join(cpu) + " " + joinInts(live) + " " + warmCycles + " " + measuredCycles + " " + result;
      primary = JavaProcess.exec("primary-" + policy, List.of("sh", "-c", command), Map.of(), dir);
      primary.awaitOutput("schedule starts at \\d+", Duration.ofSeconds(60));
      Matcher m = Pattern.compile("schedule starts at (\\d+)").matcher(primary.output());
      m.find();
      long scheduleStart = Long.parseLong(m.group(1));
      long measureFrom = scheduleStart + (long) warmCycles * cpu.length * phaseSeconds * 1000;
      long measureTo = measureFrom + (long) measuredCycles * cpu.length * phaseSeconds * 1000;
      System.err.printf(Locale.ROOT, "%s #%d: primary pid %d in %s; learning %d s, then measuring %d s%n", policy, rep,
          primary.pid(), cgroup, (measureFrom - System.currentTimeMillis()) / 1000, (measureTo - measureFrom) / 1000);
      Path progressFile = Path.of(result + ".progress");
      Progress progressFrom = null;
      Progress progressTo = null;
      List<Sample> samples = new ArrayList<>();
      Reactive reactive = policy.equals("reactive") ? new Reactive(cgroups, cgroup) : null;
      long pid = primary.pid();
      double lastCpuSeconds = cpuSeconds(pid);
      long lastNanos = System.nanoTime();
      CgroupStats first = null;
      CgroupStats last = null;
      int tick = 0;
      double rssPeak = 0; // since the primary started, warm-up included: what a VPA's history would hold
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
        double rssNow = rss(pid);
        rssPeak = Math.max(rssPeak, finite(rssNow));
        long now = System.currentTimeMillis();
        if (now >= measureFrom && now <= measureTo) {
          if (first == null) {
            first = stats;
          }
          last = stats;
          Progress p = progress(progressFile);
          if (p != null) {
            progressFrom = progressFrom == null ? p : progressFrom;
            progressTo = p;
          }
          samples.add(new Sample((now - measureFrom) / 1000.0, stats.cpuQuotaCores().orElse(Double.NaN), used,
              stats.memoryLimitBytes().isPresent() ? stats.memoryLimitBytes().getAsLong() : Double.NaN,
              stats.memoryUsageBytes(), rssNow, stats.cpuThrottledPeriods(),
              stats.cpuThrottledTime().toNanos() / 1e9, stats.memoryLimitHits(), stats.oomKills(), load1(), rssPeak));
        }
      }
      Schedule schedule = new Schedule(scheduleStart, phaseSeconds * 1000L, cpu);
      double throughput = Double.NaN;
      double lag = Double.NaN;
      if (progressFrom != null && progressTo != null && progressTo.epochMillis() > progressFrom.epochMillis()) {
        double due = schedule.workDueMicros(progressTo.epochMillis()) - schedule.workDueMicros(progressFrom.epochMillis());
        throughput = (progressTo.workMicros() - progressFrom.workMicros()) / due;
        lag = schedule.secondsBehind(progressTo);
      }
      long finishBy = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // a late primary may still finish
      while (primary.isAlive() && System.nanoTime() < finishBy) {
        Thread.sleep(500);
      }
      if (primary.isAlive()) {
        System.err.println(policy + " #" + rep + ": the primary had not finished its schedule 60 s after it was due; killed");
      }
      CgroupStats end = cgroups.stats(cgroup);
      Map<String, String> workload = parse(Files.exists(result) ? Files.readString(result) : "");
      int changes = policy.startsWith("umbra") ? changes(port, dir.resolve("data")) : reactive != null ? reactive.changes : 0;
      if (first == null) {
        first = end;
        last = end;
      }
      Run run = new Run(policy, rep, samples, workload, last.cpuThrottledPeriods() - first.cpuThrottledPeriods(),
          (last.cpuThrottledTime().toNanos() - first.cpuThrottledTime().toNanos()) / 1e9,
          last.cpuPeriods() - first.cpuPeriods(), end.memoryLimitHits() - first.memoryLimitHits(), end.oomKills(),
          mean(samples, Sample::cpuLimit), mean(samples, Sample::cpuUsed), mean(samples, Sample::memLimit),
          mean(samples, Sample::memUsed), mean(samples, Sample::rss), loads(samples), changes,
          !workload.isEmpty(), throughput, lag);
      System.err.printf(Locale.ROOT, "%s #%d: throttled %d periods %.2f s, failcnt %d, oom %d, cpu %.3f/%.3f, mem %.0f/%.0f MiB,"
              + " throughput %.3f, behind %.1f s, load %.1f, %s%n",
          policy, rep, run.throttledPeriods(), run.throttledSeconds(), run.failcnt(), run.oomKills(), run.meanCpuLimit(),
          run.meanCpuUsed(), run.meanMemLimit() / MIB, run.meanMemUsed() / MIB, throughput, lag, run.load()[0], workload);
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
    env.put("UMBRA_MANAGE_HEADROOM", "0.2");
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
  private static int changes(int port, Path data) {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .intercept(new dev.umbra.it.support.ShadowCredentials(data).asTestClient()).build();
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
    /** Starts as the start: no scale-down before a stabilisation window of watching (as the manager). */
    private long lastChangeMillis = System.currentTimeMillis();
    int changes;

    Reactive(CgroupManager cgroups, Cgroup cgroup) {
      this.cgroups = cgroups;
      this.cgroup = cgroup;
    }

    /** {time ms, cpu used, memory used} of the last {@link #STABILISATION}. */
    private final java.util.ArrayDeque<double[]> window = new java.util.ArrayDeque<>();
    /** Scale-downs go to the highest usage of this window, as HPA's stabilisation window does. */
    static final long STABILISATION = 30_000;

    void step(double cpuUsed, CgroupStats stats) {
      double cpuLimit = stats.cpuQuotaCores().orElse(2.0);
      double memLimit = stats.memoryLimitBytes().isPresent() ? stats.memoryLimitBytes().getAsLong() : 2048.0 * MIB;
      double mem = stats.memoryUsageBytes();
      long now = System.currentTimeMillis();
      window.addLast(new double[] {now, cpuUsed, mem});
      while (now - window.peekFirst()[0] > STABILISATION) {
        window.removeFirst();
      }
      double cpuPeak = window.stream().mapToDouble(w -> w[1]).max().orElse(cpuUsed);
      double memPeak = window.stream().mapToDouble(w -> w[2]).max().orElse(mem);
      boolean cooled = now - lastChangeMillis >= STABILISATION;
      double cpu = cpuLimit;
      if (cpuUsed >= 0.9 * cpuLimit) {
        cpu = Math.min(2.0, cpuUsed / 0.7);
      } else if (cpuPeak < 0.5 * cpuLimit && cooled) {
        cpu = Math.max(0.05, cpuPeak / 0.7);
      }
      double memory = memLimit;
      if (mem >= 0.9 * memLimit) {
        memory = Math.min(2048.0 * MIB, mem / 0.7);
      } else if (memPeak < 0.5 * memLimit && cooled) {
        memory = Math.max(64.0 * MIB, memPeak / 0.7);
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
      made.remove(cgroup);
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

  /** The 1-minute load average, NaN when unreadable. */
  static double load1() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  /** Mean, min and max of the 1-minute load average over the samples. */
  static double[] loads(List<Sample> samples) {
    java.util.DoubleSummaryStatistics s = samples.stream().mapToDouble(Sample::load).filter(Double::isFinite)
        .summaryStatistics();
    return s.getCount() == 0 ? new double[] {Double.NaN, Double.NaN, Double.NaN}
        : new double[] {s.getAverage(), s.getMin(), s.getMax()};
  }

  static Progress progress(Path file) {
    try {
      String[] f = Files.readString(file).strip().split(" ");
      return new Progress(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
    } catch (Exception e) {
      return null; // not written yet
    }
  }

  /** The workload's schedule: what it owes by a given time (100 ms windows, phases of CPU). */
  record Schedule(long startMillis, long phaseMillis, double[] cpu) {
    static final long WINDOW_MS = 100;

    int workers() {
      return (int) Math.max(1, Math.ceil(java.util.Arrays.stream(cpu).max().orElse(1)));
    }

    long windowsDue(long epochMillis) {
      return Math.max(0, (epochMillis - startMillis) / WINDOW_MS);
    }

    /** CPU work due by then, µs, all workers together. */
    double workDueMicros(long epochMillis) {
      long windows = windowsDue(epochMillis);
      long perPhase = phaseMillis / WINDOW_MS;
      double sum = 0;
      for (long i = 0; i < windows; i++) {
        sum += cpu[(int) ((i / perPhase) % cpu.length)] * WINDOW_MS * 1000;
      }
      return sum;
    }

    /** How far behind its schedule the workload was, seconds. */
    double secondsBehind(Progress p) {
      long behindWindows = windowsDue(p.epochMillis()) * workers() - p.windows();
      return Math.max(0, behindWindows) / (double) workers() * WINDOW_MS / 1000.0;
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
