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

  @Test
  void exitsWithUsage_forAnUnknownVmModelOrSeries() throws Exception {
    Path traces = trace();
    assertThat(run("backtest", traces.toString(), "--vms", "99", "--out", dir.resolve("o").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no trace for VM 99");
    assertThat(run("backtest", traces.toString(), "--models", "oracle")).isEqualTo(2);
    assertThat(run("backtest", traces.toString(), "--series", "gpu")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown series 'gpu'");
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
