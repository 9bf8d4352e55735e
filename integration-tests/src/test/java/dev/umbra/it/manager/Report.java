package dev.umbra.it.manager;

import dev.umbra.it.manager.ProvisioningBenchmark.Run;
import dev.umbra.it.manager.ProvisioningBenchmark.Sample;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The experiment's Markdown table, SVG plot and CSV samples. */
final class Report {
  private static final double MIB = 1 << 20;

  private Report() {}

  static String cpuMarkdown(List<Run> runs, int phaseSeconds, int measured, int learn) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Phases of %d s, CPU demand %s cores, live set %s MiB; %d measured cycles"
            + " per run (Umbra's shadow learned for %d cycles before, the others ran 1 before); policies in turn,"
            + " order rotated each repetition.%n%n", phaseSeconds,
        java.util.Arrays.toString(ProvisioningBenchmark.CPU_PHASES), java.util.Arrays.toString(ProvisioningBenchmark.LIVE_PHASES),
        measured, learn));
    s.append("| # | policy | throttled periods | throttled time | failcnt | OOM kills | mean CPU limit / used | CPU slack | "
        + "mean memory limit / used | throughput (work done / due) | behind schedule at end | finished (took / ideal) | "
        + "changes | load avg 1 min: mean (min–max) |\n");
    s.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      s.append(String.format(Locale.ROOT, "| %d | %s | %d of %d | %.2f s | %d | %d | %.3f / %.3f cores | %.3f | %.0f / %.0f MiB "
              + "| %.1f %% | %.1f s | %s | %d | %.1f (%.1f–%.1f) |%n",
          r.repetition(), r.name(), r.throttledPeriods(), r.periods(), r.throttledSeconds(), r.failcnt(), r.oomKills(),
          r.meanCpuLimit(), r.meanCpuUsed(), r.meanCpuLimit() - r.meanCpuUsed(), r.meanMemLimit() / MIB,
          r.meanMemUsed() / MIB, 100 * r.throughput(), r.lagSeconds(),
          r.primaryAlive() ? "yes (" + r.workload().getOrDefault("elapsedMs", "?") + " / "
              + r.workload().getOrDefault("idealMs", "?") + " ms)" : "no",
          r.changes(), r.load()[0], r.load()[1], r.load()[2]));
    }
    s.append("\nMedian (min–max) over the repetitions:\n\n");
    s.append("| policy | runs | throttled time | mean CPU limit | mean CPU used | throughput | mean memory limit | OOM kills |\n");
    s.append("|---|---|---|---|---|---|---|---|\n");
    for (String policy : ProvisioningBenchmark.POLICIES) {
      List<Run> of = runs.stream().filter(r -> r.name().equals(policy)).toList();
      if (of.isEmpty()) {
        continue;
      }
      s.append(String.format(Locale.ROOT, "| %s | %d | %s s | %s cores | %s cores | %s %% | %s MiB | %d |%n", policy, of.size(),
          spread(of, Run::throttledSeconds, 1, "%.2f"), spread(of, Run::meanCpuLimit, 1, "%.3f"),
          spread(of, Run::meanCpuUsed, 1, "%.3f"), spread(of, Run::throughput, 100, "%.1f"),
          spread(of, Run::meanMemLimit, 1 / MIB, "%.0f"), of.stream().mapToLong(Run::oomKills).sum()));
    }
    s.append("\nUmbra vs reactive, paired within each repetition:\n\n");
    for (int rep = 1; rep <= runs.stream().mapToInt(Run::repetition).max().orElse(0); rep++) {
      Run reactive = find(runs, "reactive", rep);
      Run umbra = find(runs, "umbra", rep);
      if (reactive != null && umbra != null) {
        s.append(String.format(Locale.ROOT, "- #%d: throttled time %.2f s vs %.2f s (%+.0f %%, target <= -80 %%), "
                + "mean CPU allocation %+.0f %% (target <= +20 %%), throughput %.1f %% vs %.1f %%, OOM kills %d%n", rep,
            umbra.throttledSeconds(), reactive.throttledSeconds(), pct(umbra.throttledSeconds(), reactive.throttledSeconds()),
            pct(umbra.meanCpuLimit(), reactive.meanCpuLimit()), 100 * umbra.throughput(), 100 * reactive.throughput(),
            umbra.oomKills()));
      }
    }
    return s.toString();
  }

  static String memoryMarkdown(List<Run> runs, List<List<double[]>> vpas) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Memory: live set %s MiB in phases of 20 s; measured: the second cycle.%n%n",
        java.util.Arrays.toString(ProvisioningBenchmark.MEMORY_LIVE)));
    s.append("| # | | mean limit | mean RSS | mean slack (limit - RSS) | limit at the end (live set 40 MiB) | failcnt | OOM kills "
        + "| throughput | changes | load avg 1 min: mean (min–max) |\n");
    s.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < runs.size(); i++) {
      Run memory = runs.get(i);
      List<double[]> vpa = vpas.get(i);
      double vpaMean = vpa.stream().mapToDouble(v -> v[1]).average().orElse(Double.NaN);
      double tail = tailMean(memory.samples(), Sample::memLimit);
      double tailVpa = vpa.isEmpty() ? Double.NaN : vpa.get(vpa.size() - 1)[1];
      s.append(String.format(Locale.ROOT, "| %d | Umbra (JVM-aware) | %.0f MiB | %.0f MiB | %.0f MiB | %.0f MiB | %d | %d "
              + "| %.1f %% | %d | %.1f (%.1f–%.1f) |%n",
          memory.repetition(), memory.meanMemLimit() / MIB, memory.meanRss() / MIB,
          (memory.meanMemLimit() - memory.meanRss()) / MIB, tail / MIB, memory.failcnt(), memory.oomKills(),
          100 * memory.throughput(), memory.changes(), memory.load()[0], memory.load()[1], memory.load()[2]));
      s.append(String.format(Locale.ROOT, "| %d | VPA-style (peak RSS since start + 15 %%) | %.0f MiB | %.0f MiB | %.0f MiB | %.0f MiB | - | - "
              + "| | | |%n",
          memory.repetition(), vpaMean / MIB, memory.meanRss() / MIB, (vpaMean - memory.meanRss()) / MIB, tailVpa / MIB));
    }
    return s.toString();
  }

  private static Run find(List<Run> runs, String name, int rep) {
    return runs.stream().filter(r -> r.name().equals(name) && r.repetition() == rep).findFirst().orElse(null);
  }

  /** "median (min–max)" of a field, scaled. */
  private static String spread(List<Run> runs, ToDoubleFunction<Run> f, double scale, String fmt) {
    double[] v = runs.stream().mapToDouble(f).map(x -> x * scale).filter(Double::isFinite).sorted().toArray();
    if (v.length == 0) {
      return "-";
    }
    double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return String.format(Locale.ROOT, fmt + " (" + fmt + "–" + fmt + ")", median, v[0], v[v.length - 1]);
  }

  private static double pct(double a, double b) {
    return b == 0 ? (a == 0 ? 0 : Double.POSITIVE_INFINITY) : 100 * (a - b) / b;
  }

  /** Mean over the last 20 % of the samples. */
  private static double tailMean(List<Sample> samples, ToDoubleFunction<Sample> f) {
    int from = (int) (samples.size() * 0.8);
    return samples.subList(from, samples.size()).stream().mapToDouble(f).filter(Double::isFinite).average().orElse(Double.NaN);
  }

  static String csv(List<Run> runs) {
    StringBuilder s = new StringBuilder(
        "policy,repetition,seconds,cpu_limit,cpu_used,mem_limit,mem_used,rss,nr_throttled,throttled_s,failcnt,oom_kills,load1\n");
    for (Run r : runs) {
      for (Sample x : r.samples()) {
        s.append(String.format(Locale.ROOT, "%s,%d,%.1f,%.4f,%.4f,%.0f,%.0f,%.0f,%d,%.4f,%d,%d,%.2f%n", r.name(),
            r.repetition(), x.seconds(), x.cpuLimit(), x.cpuUsed(), x.memLimit(), x.memUsed(), x.rss(), x.nrThrottled(),
            x.throttledSeconds(), x.failcnt(), x.oomKills(), x.load()));
      }
    }
    return s.toString();
  }

  /** One panel per CPU run (limit and usage), and the memory run (limit, RSS, VPA-style recommendation). */
  static String svg(List<Run> cpuRuns, Run memory, List<double[]> vpa) {
    int width = 900;
    int panel = 170;
    int panels = cpuRuns.size() + (memory == null ? 0 : 1);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
        width, panels * (panel + 40) + 20));
    double cpuMax = 0;
    double tMax = 1;
    for (Run r : cpuRuns) {
      for (Sample x : r.samples()) {
        cpuMax = Math.max(cpuMax, Math.max(finite(x.cpuLimit()), finite(x.cpuUsed())));
        tMax = Math.max(tMax, x.seconds());
      }
    }
    int y = 20;
    for (Run r : cpuRuns) {
      String title = String.format(Locale.ROOT, "%s #%d: CPU limit (blue) and usage (orange), cores; throttled %.1f s; "
          + "throughput %.1f %%; load %.0f", r.name(), r.repetition(), r.throttledSeconds(), 100 * r.throughput(), r.load()[0]);
      frame(s, y, width, panel, title, cpuMax * 1.1, "%.1f");
      line(s, r.samples(), Sample::cpuLimit, y, width, panel, tMax, cpuMax * 1.1, "#1f77b4");
      line(s, r.samples(), Sample::cpuUsed, y, width, panel, tMax, cpuMax * 1.1, "#ff7f0e");
      y += panel + 40;
    }
    if (memory != null) {
      double mMax = 0;
      double mt = 1;
      for (Sample x : memory.samples()) {
        mMax = Math.max(mMax, Math.max(finite(x.memLimit()), finite(x.rss())));
        mt = Math.max(mt, x.seconds());
      }
      for (double[] v : vpa) {
        mMax = Math.max(mMax, v[1]);
      }
      mMax = mMax * 1.1 / MIB;
      frame(s, y, width, panel, "memory run: Umbra limit (blue), RSS (orange), VPA-style recommendation (grey), MiB",
          mMax, "%.0f");
      line(s, memory.samples(), x -> x.memLimit() / MIB, y, width, panel, mt, mMax, "#1f77b4");
      line(s, memory.samples(), x -> x.rss() / MIB, y, width, panel, mt, mMax, "#ff7f0e");
      List<Sample> vs = vpa.stream().map(v -> new Sample(v[0], 0, 0, v[1] / MIB, 0, 0, 0, 0, 0, 0, 0, 0)).toList();
      line(s, vs, Sample::memLimit, y, width, panel, mt, mMax, "#888888");
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  private static void frame(StringBuilder s, int y, int width, int h, String title, double max, String fmt) {
    s.append(String.format(Locale.ROOT, "<text x=\"60\" y=\"%d\">%s</text>%n", y + 12, title));
    s.append(String.format(Locale.ROOT, "<rect x=\"60\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
        y + 20, width - 80, h));
    for (int k = 0; k <= 4; k++) {
      double v = max * k / 4;
      int yy = y + 20 + h - (int) (h * k / 4.0);
      s.append(String.format(Locale.ROOT, "<text x=\"55\" y=\"%d\" text-anchor=\"end\">%s</text>%n", yy + 4,
          String.format(Locale.ROOT, fmt, v)));
    }
  }

  private static void line(StringBuilder s, List<Sample> samples, ToDoubleFunction<Sample> f, int y, int width, int h,
      double tMax, double max, String color) {
    StringBuilder points = new StringBuilder();
    for (Sample x : samples) {
      double v = f.applyAsDouble(x);
      if (!Double.isFinite(v)) {
        continue;
      }
      double px = 60 + (width - 80) * x.seconds() / tMax;
      double py = y + 20 + h - h * Math.min(v, max) / max;
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
    }
    s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
        color, points.toString().strip()));
  }
}
