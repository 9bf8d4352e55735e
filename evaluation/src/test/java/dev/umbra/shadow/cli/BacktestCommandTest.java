package dev.umbra.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BacktestCommandTest {
  private static final String HEADER = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\t"
      + "CPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\t"
      + "Disk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]";

  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = UmbraCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }

  private Path trace() throws Exception {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 10 * 288; i++) {
      long t = 1372636800L + 300L * i;
      double cpu = 1000 + 800 * Math.sin(i / 288.0 * 2 * Math.PI) + (i * 7919 % 100);
      b.append(String.format(Locale.ROOT, "%d;\t2;\t4000.0;\t%.2f;\t1.0;\t8388608.0;\t%.1f;\t0;\t0;\t0;\t0%n", t, cpu, 2e6 + cpu));
    }
    Path traces = dir.resolve("traces/vms");
    Files.createDirectories(traces);
    Files.writeString(traces.resolve("5.csv"), b.toString());
    return traces.getParent();
  }

  @Test
  void writesResultsLimitsAndAPlot() throws Exception {
    Path out = dir.resolve("out");
    int code = run("backtest", trace().toString(), "--models", "vpa,recent-peak,selected,clairvoyant",
        "--confidence", "0.9", "--out", out.toString(), "--emit-limits", out.resolve("limits.csv").toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.resolve("summary.json")).exists();
    assertThat(Files.readString(out.resolve("summary.csv"))).contains("cpu,vpa,1,").contains("mem,selected@0.9,1,");
    List<String> limits = Files.readAllLines(out.resolve("limits.csv"));
    assertThat(limits.get(0)).isEqualTo("vm,resource,model,hour_start,limit");
    // 47 scored hours x 2 resources x 4 rows
    assertThat(limits).hasSize(1 + 47 * 2 * 4);
    assertThat(Files.readString(out.resolve("fan-vm5-cpu.svg"))).startsWith("<svg").contains("vpa limit");
  }

  /** Writes {@code <id>.csv.gz} with {@code rows} data rows 204 s past the 5-minute grid, with values that do not round. */
  private static Path gzTrace(Path dir, String id, int rows, int offRows) throws Exception {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < rows; i++) {
      long t = 1372636800L + 204 + 300L * i;
      boolean off = i < offRows;
      double cpu = 1000 + 800 * Math.sin(i / 288.0 * 2 * Math.PI) + (i * 7919 % 1000) / 7.0;
      b.append(String.format(Locale.ROOT, "%d;\t%d;\t%s;\t%.7f;\t1.0;\t8388608.0;\t%.7f;\t0;\t0;\t0;\t0%n",
          t, off ? 0 : 2, off ? "0.0" : "4000.0", off ? 0 : cpu, off ? 0 : 2e6 + cpu * 3 + (i * 104729 % 1000) / 3.0));
    }
    Files.createDirectories(dir);
    Path file = dir.resolve(id + ".csv.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return file;
  }

  @Test
  void skipsUnusableTraces_goesOn_andListsThemAtTheEnd() throws Exception {
    Path vms = dir.resolve("mixed/vms");
    gzTrace(vms, "1", 10 * 288, 0);
    gzTrace(vms, "2", 10 * 288, 3); // first rows switched off: used
    Files.write(vms.resolve("3.csv.gz"), new byte[0]); // empty
    Files.writeString(vms.resolve("4.csv.gz"), "not gzip");
    gzTrace(vms, "5", 3 * 288, 0); // too short for the warm-up
    gzTrace(vms, "6", 10, 10); // always off
    gzTrace(vms, "7", 10 * 288, 0);
    Path out = dir.resolve("mixed-out");
    int code = run("backtest", vms.getParent().toString(), "--models", "vpa,clairvoyant", "--out", out.toString());
    String log = err.toString();
    assertThat(code).as(log).isZero();
    assertThat(Files.readString(out.resolve("summary.csv"))).contains("cpu,vpa,3,").contains("mem,clairvoyant,3,");
    assertThat(Files.readString(out.resolve("results.csv"))).contains("\n1,cpu,").contains("\n2,cpu,").contains("\n7,cpu,")
        .doesNotContain("\n3,").doesNotContain("\n4,").doesNotContain("\n5,").doesNotContain("\n6,");
    assertThat(Files.readString(out.resolve("summary.json"))).contains("\"vms\": 3").contains("\"vms_skipped\": 4");
    // one line per VM as it goes, a note for the repaired one, the summary at the end
    assertThat(log).contains("[1/7] vm 1").contains("[7/7] vm 7")
        .contains("umbra backtest: vm 2: 3 rows with no provisioned CPU or memory left out (VM off)")
        .contains("umbra backtest: skipped vm 3 (" + vms.resolve("3.csv.gz") + "): empty file")
        .contains("umbra backtest: skipped vm 5 (" + vms.resolve("5.csv.gz") + "): too short: ");
    String summary = log.substring(log.indexOf("4 of 7 VMs skipped:"));
    assertThat(summary.lines().skip(1).toList()).hasSize(4).satisfiesExactly(
        l -> assertThat(l).startsWith("  vm 3 (").endsWith("): empty file"),
        l -> assertThat(l).startsWith("  vm 4 (").contains("cannot read: Not in GZIP format"),
        l -> assertThat(l).startsWith("  vm 5 (").contains("too short: 3.00 days"),
        l -> assertThat(l).startsWith("  vm 6 (").contains("fewer than 2 usable rows"));
  }

  @Test
  void failsWithOneLineAfterTheSummary_whenNoVmIsUsable() throws Exception {
    Path vms = dir.resolve("bad/vms");
    Files.createDirectories(vms);
    Files.writeString(vms.resolve("1.csv"), "");
    assertThat(run("backtest", vms.getParent().toString(), "--models", "vpa", "--out", dir.resolve("o").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("1 of 1 VMs skipped:").contains("umbra: no VM could be backtested");
  }

  @Test
  void emittedClairvoyantLimits_coverEverySampleOfTheirHour_whenRescoredFromTheFiles() throws Exception {
    Path vms = dir.resolve("rescore/vms");
    Path trace = gzTrace(vms, "8", 12 * 288, 0);
    Path limitsFile = dir.resolve("rescore-out/limits.csv");
    int code = run("backtest", vms.getParent().toString(), "--models", "vpa,recent-peak,clairvoyant", "--confidence", "0.9",
        "--out", dir.resolve("rescore-out").toString(), "--emit-limits", limitsFile.toString());
    assertThat(code).as(err.toString()).isZero();
    // the trace as written, read here without the backtest's reader: time, CPU MHz, memory KB
    List<double[]> samples = new java.util.ArrayList<>();
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
        new java.util.zip.GZIPInputStream(Files.newInputStream(trace)), java.nio.charset.StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] c = line.split(";\t");
        samples.add(new double[] {Long.parseLong(c[0]), Double.parseDouble(c[3]), Double.parseDouble(c[6])});
      }
    }
    java.util.Map<String, java.util.Set<Long>> hoursByRow = new java.util.TreeMap<>();
    long checked = 0;
    List<String> lines = Files.readAllLines(limitsFile);
    assertThat(lines.get(0)).isEqualTo("vm,resource,model,hour_start,limit");
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      long hourStart = Long.parseLong(c[3]);
      double limit = Double.parseDouble(c[4]);
      hoursByRow.computeIfAbsent(c[1] + "/" + c[2], k -> new java.util.TreeSet<>()).add(hourStart);
      assertThat(hourStart % 3600).as(line).isZero();
      if (!c[2].equals("clairvoyant")) {
        continue;
      }
      int column = c[1].equals("cpu") ? 1 : 2;
      int inHour = 0;
      for (double[] s : samples) {
        if (s[0] >= hourStart && s[0] < hourStart + 3600) {
          inHour++;
          checked++;
          assertThat(s[column]).as("%s: sample at %d", line, (long) s[0]).isLessThanOrEqualTo(limit);
        }
      }
      assertThat(inHour).as(line).isEqualTo(12);
    }
    assertThat(checked).isGreaterThan(2 * 90 * 12);
    // every model's rows name the same hours
    assertThat(hoursByRow).hasSize(6);
    assertThat(new java.util.HashSet<>(hoursByRow.values())).hasSize(1);
  }

  @Test
  void exitsWithUsage_forAnUnknownVmModelOrSeries_orABadCalibration() throws Exception {
    Path traces = trace();
    assertThat(run("backtest", traces.toString(), "--vms", "99", "--out", dir.resolve("o").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no trace for VM 99");
    assertThat(run("backtest", traces.toString(), "--models", "oracle")).isEqualTo(2);
    assertThat(run("backtest", traces.toString(), "--series", "gpu")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown series 'gpu'");
    assertThat(run("backtest", traces.toString(), "--calibration-step", "1.5")).isEqualTo(2);
    assertThat(err.toString()).contains("calibration step must be in [0, 1): 1.5");
  }

  @Test
  void failsWithOneLine_forAMissingFolder() {
    assertThat(run("backtest", dir.resolve("nope").toString())).isEqualTo(1);
    assertThat(err.toString().trim()).startsWith("umbra: ").contains("not a directory").doesNotContain("\n");
  }

  /** A shadow data folder whose history holds {@code runs} primaries of one workload, 40 minutes each. */
  private Path recordedHistory(int runs, boolean withMemory) throws Exception {
    Path data = dir.resolve("data");
    long start = java.time.Instant.now().getEpochSecond() - 3 * 3600;
    try (var store = new dev.umbra.shadow.series.SeriesStore(data, dev.umbra.shadow.series.Retention.defaults(), 60,
        java.time.Clock.systemUTC(), new dev.umbra.shadow.metrics.ShadowMetrics())) {
      for (int r = 0; r < runs; r++) {
        String id = "host/" + (100 + r) + "/1";
        List<dev.umbra.shadow.series.GridPoint> points = new java.util.ArrayList<>();
        for (long s = start; s < start + 2400; s++) {
          double cpu = 0.5 + 0.3 * Math.sin(2 * Math.PI * s / 300.0) + (s * 7919 % 100) / 500.0;
          points.add(new dev.umbra.shadow.series.GridPoint(id, dev.umbra.shadow.series.SeriesName.of("cpu.process"), "", s, cpu));
          if (withMemory) {
            points.add(new dev.umbra.shadow.series.GridPoint(id, dev.umbra.shadow.series.SeriesName.of("mem.rss"), "", s,
                2e8 + 1e6 * (s % 600)));
          }
        }
        store.submit(new dev.umbra.shadow.series.WriteGroup(points, List.of(new dev.umbra.shadow.series.PrimaryRecord(
            id, "wl", "Main", "host", 100 + r, 1, start * 1000, (start + 2400) * 1000, "test", 1)), () -> {}));
      }
      store.awaitDurable(java.time.Duration.ofSeconds(60));
    }
    return data;
  }

  @Test
  void backtestsAShadowsRecordedHistory_perPrimaryRun() throws Exception {
    Path data = recordedHistory(2, true);
    Path out = dir.resolve("hist-out");
    int code = run("backtest", data.toString(), "--models", "vpa,recent-peak,selected,clairvoyant", "--confidence", "0.9",
        "--warmup", "25m", "--out", out.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readString(out.resolve("summary.csv"))).contains("cpu,vpa,2,").contains("mem,selected@0.9,2,");
    assertThat(Files.readString(out.resolve("results.csv"))).contains("host/100/1").contains("host/101/1");
    assertThat(Files.readString(out.resolve("summary.json"))).contains("\"period\": \"PT1M\"");
  }

  @Test
  void failsWithOneLine_whenNoRunHasTheSeries() throws Exception {
    Path data = recordedHistory(1, false);
    assertThat(run("backtest", data.toString(), "--out", dir.resolve("o").toString())).isEqualTo(1);
    assertThat(err.toString().trim()).startsWith("umbra: ").contains("no primary has 1 s history of [cpu.process, mem.rss]")
        .doesNotContain("\n");
  }
}
