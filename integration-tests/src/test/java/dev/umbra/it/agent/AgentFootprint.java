package dev.umbra.it.agent;

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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the agent's memory goes (not a test; run by {@code agent/bench/agent-footprint.sh}).
 * Starts the H2 primary with {@code -XX:NativeMemoryTracking=summary} for every configuration
 * (interleaved rounds, as {@link AgentOverheadBenchmark}), runs the SQL load, then reads with
 * {@code jcmd}: the NMT summary (committed memory per category), the loaded classes by origin
 * (from {@code VM.class_hierarchy}), the threads, and the live heap of agent objects (a class
 * histogram, which runs a full GC, so it is read last). The raw outputs stay in the work folder.
 *
 * <p>Arguments: {@code rounds loadSeconds [out.md] [config;config;…]}.
 */
public final class AgentFootprint {
  private static final Pattern NMT = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);
  private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
  private static final Pattern CLASS_LINE = Pattern.compile("^[|\\s-]*([A-Za-z_$][\\w.$]*)/", Pattern.MULTILINE);
  private static final Pattern THREAD_LINE = Pattern.compile("^\"([^\"]+)\"", Pattern.MULTILINE);
  private static final Pattern HISTO_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

  /** Buckets of loaded classes, first match wins. */
  static final List<String[]> ORIGINS = List.of(
      new String[] {"agent: shaded Netty", "dev.umbra.agent.shaded.io.netty."},
      new String[] {"agent: shaded gRPC", "dev.umbra.agent.shaded.io.grpc."},
      new String[] {"agent: shaded protobuf", "dev.umbra.agent.shaded.com.google.protobuf."},
      new String[] {"agent: shaded umbra-proto", "dev.umbra.agent.shaded.proto."},
      new String[] {"agent: shaded Byte Buddy", "dev.umbra.agent.shaded.net.bytebuddy."},
      new String[] {"agent: other shaded", "dev.umbra.agent.shaded."},
      new String[] {"agent: own", "dev.umbra.agent."},
      new String[] {"JFR", "jdk.jfr."},
      new String[] {"JMX/management", "javax.management.", "com.sun.jmx.", "sun.management.", "com.sun.management.",
          "java.lang.management.", "jdk.management."},
      new String[] {"lambda/hidden", "$$Lambda", "java.lang.invoke.LambdaForm$"},
      new String[] {"other", ""});

  private AgentFootprint() {}

  record Sample(long startupMillis, long rssBytes, long heapRssBytes, long rssAfterFullGcBytes, Map<String, Long> nmtCommittedKb, Map<String, Integer> classes,
      int threads, List<String> agentThreads, long agentHeapBytes, long heapLiveBytes, int batchesReceived) {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    Duration load = Duration.ofSeconds(Long.parseLong(args[1]));
    Path out = args.length > 2 && !args[2].isBlank() ? Path.of(args[2]) : null;
    List<String> configs = args.length > 3 ? List.of(args[3].split(";")) : List.of("none", "normal");
    Path javaHome = JavaProcess.java17Home();
    Path work = Files.createTempDirectory("umbra-footprint");
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    configs.forEach(c -> samples.put(c, new ArrayList<>()));
    String loadBefore = AgentOverheadBenchmark.loadAverage();
    for (int round = 0; round < rounds; round++) {
      List<String> order = new ArrayList<>(configs);
      Collections.rotate(order, round);
      for (String label : order) {
        BenchConfig config = BenchConfig.parse(label);
        Sample s = once(config, javaHome, work.resolve("r" + round + "-" + config.slug()), load);
        samples.get(label).add(s);
        System.err.printf(Locale.ROOT, "round %d %-40s start %5d ms rss %6.1f MB nmt %s classes %s threads %d %s agent heap %.1f MB batches %d%n",
            round + 1, label, s.startupMillis(), s.rssBytes() / 1048576.0, s.nmtCommittedKb(), s.classes(), s.threads(),
            s.agentThreads(), s.agentHeapBytes() / 1048576.0, s.batchesReceived());
      }
    }
    String report = report(samples, rounds, load, loadBefore, AgentOverheadBenchmark.loadAverage(), work);
    System.out.println(report);
    if (out != null) {
      Files.writeString(out, report);
    }
  }

  private static Sample once(BenchConfig config, Path javaHome, Path dir, Duration load) throws Exception {
    RecordingCollector collector = config.agent() ? new RecordingCollector(FreePort.pick()).start() : null;
    List<String> jvm = new ArrayList<>(List.of("-XX:NativeMemoryTracking=summary"));
    jvm.addAll(config.jvm(collector == null ? 0 : collector.port()));
    long launched = System.nanoTime();
    H2Workload h2 = H2Workload.start("h2", javaHome, dir, jvm);
    long startup = (System.nanoTime() - launched) / 1_000_000;
    try {
      if (collector != null) { // the agent fully up (hooks, JFR, transport) before the load is timed
        RecordingCollector c = collector;
        Await.until("the first batch", () -> !c.batches().isEmpty(), Duration.ofSeconds(180), h2.server::output);
      }
      h2.load(load);
      Thread.sleep(3000);
      long pid = h2.server.pid();
      long rss = AgentOverheadBenchmark.rss(pid);
      String nmt = jcmd(javaHome, pid, dir, "nmt", "VM.native_memory", "summary");
      String hierarchy = jcmd(javaHome, pid, dir, "classes", "VM.class_hierarchy");
      String threads = jcmd(javaHome, pid, dir, "threads", "Thread.print");
      String heapInfo = jcmd(javaHome, pid, dir, "heap", "GC.heap_info");
      long heapRss = heapRss(pid, heapInfo);
      String histogram = jcmd(javaHome, pid, dir, "histogram", "GC.class_histogram");
      String afterGc = jcmd(javaHome, pid, dir, "classes-after-gc", "VM.class_hierarchy");
      long rssAfterGc = AgentOverheadBenchmark.rss(pid);
      Map<String, Long> committed = new LinkedHashMap<>();
      Matcher total = NMT_TOTAL.matcher(nmt);
      if (total.find()) {
        committed.put("Total", Long.parseLong(total.group(2)));
      }
      Matcher m = NMT.matcher(nmt);
      while (m.find()) {
        committed.put(m.group(1).trim(), Long.parseLong(m.group(3)));
      }
      Map<String, Integer> classes = new LinkedHashMap<>();
      ORIGINS.forEach(o -> classes.put(o[0], 0));
      Matcher c = CLASS_LINE.matcher(hierarchy);
      while (c.find()) {
        classes.merge(origin(c.group(1)), 1, Integer::sum);
      }
      Matcher after = CLASS_LINE.matcher(afterGc);
      int allAfter = 0;
      int byteBuddy = 0;
      while (after.find()) {
        allAfter++;
        byteBuddy += origin(after.group(1)).equals("agent: shaded Byte Buddy") ? 1 : 0;
      }
      classes.put("all, after a full GC", allAfter);
      classes.put("Byte Buddy, after a full GC", byteBuddy);
      List<String> names = new ArrayList<>();
      Matcher t = THREAD_LINE.matcher(threads);
      while (t.find()) {
        names.add(t.group(1));
      }
      List<String> agentThreads = names.stream().filter(n -> n.startsWith("umbra-")).sorted().toList();
      long agentHeap = 0;
      long live = 0;
      Matcher h = HISTO_LINE.matcher(histogram);
      while (h.find()) {
        long bytes = Long.parseLong(h.group(2));
        live += bytes;
        if (h.group(3).startsWith("dev.umbra.agent.")) {
          agentHeap += bytes;
        }
      }
      int batches = collector == null ? 0 : collector.batches().size();
      return new Sample(startup, rss, heapRss, rssAfterGc, committed, classes, names.size(), agentThreads, agentHeap, live,
          batches);
    } finally {
      h2.server.close();
      if (collector != null) {
        collector.close();
      }
    }
  }

  private static final Pattern HEAP_RANGE = Pattern.compile("heap\\s+total.*\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");
  private static final Pattern SMAPS_RANGE = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ", Pattern.MULTILINE);

  /** Resident bytes of the Java heap's address range, from /proc/pid/smaps; -1 if unknown. */
  static long heapRss(long pid, String heapInfo) throws java.io.IOException {
    Matcher range = HEAP_RANGE.matcher(heapInfo);
    if (!range.find()) {
      return -1;
    }
    long lo = Long.parseUnsignedLong(range.group(1), 16);
    long hi = Long.parseUnsignedLong(range.group(2), 16);
    long rss = 0;
    boolean inside = false;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
      Matcher m = SMAPS_RANGE.matcher(line);
      if (m.find()) {
        long start = Long.parseUnsignedLong(m.group(1), 16);
        long end = Long.parseUnsignedLong(m.group(2), 16);
        inside = start < hi && end > lo;
      } else if (inside && line.startsWith("Rss:")) {
        rss += Long.parseLong(line.substring(4).trim().split("\\s+")[0]) * 1024;
      }
    }
    return rss;
  }

  static String origin(String className) {
    for (String[] o : ORIGINS) {
      for (int i = 1; i < o.length; i++) {
        if (o[i].isEmpty() || (o[i].startsWith("$") || o[i].contains("$") ? className.contains(o[i]) : className.startsWith(o[i]))) {
          return o[0];
        }
      }
    }
    return "other";
  }

  private static String jcmd(Path javaHome, long pid, Path dir, String name, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(javaHome.resolve("bin/jcmd").toString(), Long.toString(pid)));
    cmd.addAll(List.of(command));
    Path file = dir.resolve(name + ".txt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(file.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return Files.readString(file);
  }

  private static double medianOf(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
    return AgentOverheadBenchmark.median(samples.stream().mapToDouble(f).toArray());
  }

  private static String range(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f, double scale) {
    double min = samples.stream().mapToDouble(f).min().orElse(0) / scale;
    double max = samples.stream().mapToDouble(f).max().orElse(0) / scale;
    return String.format(Locale.ROOT, "%.1f–%.1f", min, max);
  }

  private static String report(Map<String, List<Sample>> samples, int rounds, Duration load, String loadBefore,
      String loadAfter, Path work) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "H2 primary (-Xmx96m, NMT summary), %d interleaved rounds, %d s SQL load, JDK %s, %d CPUs, load average %s before, %s after; raw jcmd output in %s%n%n",
        rounds, load.toSeconds(), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
        loadBefore, loadAfter, work));
    List<String> labels = new ArrayList<>(samples.keySet());
    md.append("| (medians) | ").append(String.join(" | ", labels)).append(" |\n|---|");
    labels.forEach(l -> md.append("---|"));
    md.append('\n');
    row(md, "batches the collector received", labels, samples, Sample::batchesReceived, 1, "%.0f");
    row(md, "start-up (ms)", labels, samples, s -> s.startupMillis(), 1, "%.0f");
    md.append("| start-up min–max (ms) |");
    labels.forEach(l -> md.append(' ').append(range(samples.get(l), Sample::startupMillis, 1)).append(" |"));
    md.append('\n');
    row(md, "RSS (MB)", labels, samples, s -> s.rssBytes(), 1048576.0, "%.1f");
    row(md, "of which Java heap pages (MB)", labels, samples, Sample::heapRssBytes, 1048576.0, "%.1f");
    md.append("| RSS min–max (MB) |");
    labels.forEach(l -> md.append(' ').append(range(samples.get(l), Sample::rssBytes, 1048576.0)).append(" |"));
    md.append('\n');
    java.util.Set<String> categories = new java.util.LinkedHashSet<>();
    samples.values().forEach(list -> list.forEach(s -> categories.addAll(s.nmtCommittedKb().keySet())));
    for (String category : categories) {
      row(md, "NMT " + category + " (MB)", labels, samples, s -> s.nmtCommittedKb().getOrDefault(category, 0L), 1024.0, "%.1f");
    }
    row(md, "NMT sum of the agent's categories (MB)", labels, samples, AgentFootprint::agentCategoriesKb, 1024.0, "%.1f");
    md.append("| NMT sum of the agent's categories min–max (MB) |");
    labels.forEach(l -> md.append(' ').append(range(samples.get(l), AgentFootprint::agentCategoriesKb, 1024.0)).append(" |"));
    md.append('\n');
    row(md, "the same without NMT's own bookkeeping (MB)", labels, samples,
        s -> agentCategoriesKb(s) - s.nmtCommittedKb().getOrDefault("Native Memory Tracking", 0L), 1024.0, "%.1f");
    for (String[] origin : ORIGINS) {
      row(md, "classes: " + origin[0], labels, samples, s -> s.classes().getOrDefault(origin[0], 0), 1, "%.0f");
    }
    for (String extra : List.of("all, after a full GC", "Byte Buddy, after a full GC")) {
      row(md, "classes: " + extra, labels, samples, s -> s.classes().getOrDefault(extra, 0), 1, "%.0f");
    }
    row(md, "threads", labels, samples, Sample::threads, 1, "%.0f");
    row(md, "RSS after that full GC (MB)", labels, samples, Sample::rssAfterFullGcBytes, 1048576.0, "%.1f");
    row(md, "live heap after full GC (MB)", labels, samples, Sample::heapLiveBytes, 1048576.0, "%.1f");
    row(md, "of which dev.umbra.agent.* objects (KB)", labels, samples, Sample::agentHeapBytes, 1024.0, "%.0f");
    md.append("\nAgent threads: ");
    Map<String, List<String>> threads = new TreeMap<>();
    samples.forEach((l, list) -> threads.put(l, list.isEmpty() ? List.of() : list.get(0).agentThreads()));
    threads.forEach((l, t) -> md.append(l).append(" → ").append(t).append("; "));
    md.append('\n');
    return md.toString();
  }

  /**
   * NMT categories an agent adds to (committed KB): everything but the Java heap, the GC's own
   * structures and the shared class space (equal with and without an agent) and the transient
   * C2 arenas ({@code Compiler}, {@code Arena Chunk}: the JIT at work, differing reading to reading).
   */
  static final List<String> AGENT_CATEGORIES = List.of("Metaspace", "Class", "Symbol", "Code", "Tracing", "Thread",
      "Internal", "Other", "Module", "Synchronization", "Native Memory Tracking");

  static double agentCategoriesKb(Sample s) {
    return AGENT_CATEGORIES.stream().mapToLong(c -> s.nmtCommittedKb().getOrDefault(c, 0L)).sum();
  }

  private static void row(StringBuilder md, String name, List<String> labels, Map<String, List<Sample>> samples,
      java.util.function.ToDoubleFunction<Sample> f, double scale, String format) {
    md.append("| ").append(name).append(" |");
    for (String l : labels) {
      md.append(' ').append(String.format(Locale.ROOT, format, medianOf(samples.get(l), f) / scale)).append(" |");
    }
    md.append('\n');
  }
}
