package dev.umbra.shadow.cli;

import dev.umbra.shadow.forecast.backtest.BacktestConfig;
import dev.umbra.shadow.forecast.backtest.BitbrainsReader;
import dev.umbra.shadow.forecast.backtest.Costs;
import dev.umbra.shadow.forecast.backtest.FanChart;
import dev.umbra.shadow.forecast.backtest.FanRecorder;
import dev.umbra.shadow.forecast.backtest.HourlyBacktest;
import dev.umbra.shadow.forecast.backtest.LimitFile;
import dev.umbra.shadow.forecast.backtest.LstmFolds;
import dev.umbra.shadow.forecast.lstm.NativeThreads;
import dev.umbra.shadow.forecast.backtest.ModelRegistry;
import dev.umbra.shadow.forecast.backtest.ProgressBar;
import dev.umbra.shadow.forecast.backtest.ShadowHistory;
import dev.umbra.shadow.forecast.backtest.SkippedVms;
import dev.umbra.shadow.forecast.backtest.TraceSource;
import dev.umbra.shadow.forecast.backtest.Summary;
import dev.umbra.shadow.forecast.backtest.TraceResource;
import dev.umbra.shadow.forecast.backtest.VmResult;
import dev.umbra.shadow.forecast.backtest.VmPass;
import dev.umbra.shadow.forecast.backtest.VmTrace;
import dev.umbra.shadow.forecast.Calibration;
import dev.umbra.units.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code umbra backtest}: score forecasters on recorded traces. */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
      "Backtest the forecasters on traces (e.g. ../shared/data/bitbrains-rnd) with a rolling origin:",
      "after the warm-up, at every period boundary each model sets a limit from data available",
      "lead time earlier and holds it for the period; hours touching a gap are skipped.",
      "Unusable traces (empty, unreadable, too short for the warm-up) are skipped and listed at the end;",
      "duplicate rows are dropped, unsorted rows sorted, rows with no provisioned CPU or memory read as the VM off."
    })
final class BacktestCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TRACE_DIR", description = {
      "Bitbrains folder (with vms/), a folder of <vm>.csv[.gz], or a shadow's data folder",
      "(with history.duckdb: each primary run's 1 s history; stop that shadow or copy the folder)."})
  Path traces;

  @Option(names = "--series", defaultValue = "cpu,mem", description = "Columns: cpu, mem, disk-read, disk-write, net-rx, net-tx (default ${DEFAULT-VALUE}).")
  String series;

  @Option(names = "--horizon", description = "How long each limit is held and forecast (default 1h; 60s for a shadow's history).")
  String horizon;

  @Option(names = "--lead", description = "Actuation lead time (default 5m; 2s for a shadow's history).")
  String lead;

  @Option(names = "--warmup", description = "History before the first scored period (default 8d; 30m for a shadow's history).")
  String warmup;

  @Option(names = "--max-gap", description = "Longer spacing between samples is a gap (default 10m; 5s for a shadow's history).")
  String maxGap;

  @Option(names = "--step", description = "The traces' sample cadence (default 5m; 1s for a shadow's history).")
  String step;

  @Option(names = "--models", description = "Comma list (default: every model).")
  String models;

  @Option(names = "--confidence", defaultValue = "0.8,0.9,0.95,0.99,0.995,0.999", description = "Peak quantiles at which quantile models set limits (default ${DEFAULT-VALUE}).")
  String confidences;

  @Option(names = "--calibration-step", defaultValue = "0.005", description = {
      "Adaptive conformal step of the calibrated-* models; 0 = weighted split conformal only (default ${DEFAULT-VALUE})."})
  double calibrationStep;

  @Option(names = "--calibration-half-life", defaultValue = "7d", description = {
      "Half-life of the calibrated-* models' past errors (default ${DEFAULT-VALUE})."})
  String calibrationHalfLife;

  private Calibration calibration = Calibration.DEFAULT;

  @Option(names = "--vms", description = "Only these VM ids (comma list).")
  String vms;

  @Option(names = "--out", defaultValue = "results/forecast", description = "Result folder (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--emit-limits", paramLabel = "FILE", description = {"Write every limit set: vm,resource,model,hour_start,limit (MHz, KB), rounded up to 0.001;",
      "the limit covers the samples in [hour_start, hour_start + horizon), hour_start in Unix seconds."})
  Path emitLimits;

  @Option(names = "--plot-vm", description = "VM whose forecast fan to draw (default: the first).")
  String plotVm;

  @Option(names = "--plot-series", defaultValue = "cpu", description = "Column of the plot (default ${DEFAULT-VALUE}).")
  String plotSeries;

  @Option(names = "--plot-model", defaultValue = "selected", description = "Model whose fan to draw (default ${DEFAULT-VALUE}).")
  String plotModel;

  @Option(names = "--plot-days", defaultValue = "7", description = "Days to draw (default ${DEFAULT-VALUE}).")
  int plotDays;

  @Override
  public Integer call() throws Exception {
    boolean history = ShadowHistory.isDataDir(traces);
    BacktestConfig config = config(history);
    calibration = parseOr(() -> new Calibration(
        Durations.parse("--calibration-half-life", calibrationHalfLife), calibrationStep,
        Calibration.DEFAULT.minHorizons()));
    ModelRegistry registry = new ModelRegistry(config.maxGap(), calibration);
    List<TraceResource> resources = parseOr(() -> TraceResource.parseList(series));
    try (ShadowHistory recorded = history ? ShadowHistory.open(traces, resources) : null) {
      TraceSource source = recorded != null ? recorded : TraceSource.files(BitbrainsReader.list(traces));
      return run(config, registry, resources, source, selectIds(source.ids()));
    }
  }

  private Integer run(BacktestConfig config, ModelRegistry registry, List<TraceResource> resources, TraceSource source,
      List<String> files) throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    TraceResource plotResource = parseOr(() -> TraceResource.parseList(plotSeries)).get(0);
    Costs costs = new Costs();
    HourlyBacktest backtest = new HourlyBacktest(config, registry, costs);
    ProgressBar bar = new ProgressBar(err, System.console() != null, files.size());
    FanRecorder fan = plotVm == null ? null : new FanRecorder(plotVm, plotResource, plotModel);
    long started = System.nanoTime();
    VmPass pass;
    Map<String, Object> lstmCosts = Map.of();
    try (LimitFile limits = emitLimits == null ? null : new LimitFile(emitLimits)) {
      pass = new VmPass(source, resources, backtest, limits, bar);
      List<String> usable = files;
      if (ModelRegistry.needsLstm(config.models())) {
        // training reads every trace: leave out the unusable ones first, so that they neither
        // stop the training nor shift the folds of the others
        usable = files.stream().filter(id -> pass.readUsable(id) != null).toList();
        NativeThreads.limit(1);
        LstmFolds folds = LstmFolds.train(source, usable, resources, config, backtest, System.err);
        registry.register(ModelRegistry.LSTM, p -> folds.factory(p, config));
        lstmCosts = folds.costs();
      }
      for (int i = 0; i < usable.size(); i++) {
        bar.start(i, "vm " + usable.get(i));
        VmTrace vm = pass.readUsable(usable.get(i));
        if (vm != null) {
          fan = fan != null ? fan : new FanRecorder(vm.id(), plotResource, plotModel);
          pass.run(vm, fan);
        }
      }
      bar.finish();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    SkippedVms skipped = pass.skipped();
    HourlyBacktest.Counts counts = pass.counts();
    List<VmResult> results = pass.results();
    Map<String, Object> meta = meta(config, resources, pass.used(), counts, seconds, costs);
    meta.put("calibration", "half-life " + calibration.scoreHalfLife() + ", ACI step " + calibration.aciStep()
        + ", after " + calibration.minHorizons() + " horizons");
    meta.put("vms_skipped", skipped.count());
    meta.put("vms_skipped_ids", skipped.all().stream().map(SkippedVms.Skip::id).toList().toString());
    meta.putAll(lstmCosts);
    meta.put("max_rss_kb", maxRssKb());
    Summary.write(out, results, meta);
    if (fan != null && !fan.hours().isEmpty()) {
      List<String> rows = new ArrayList<>(List.of(ModelRegistry.VPA));
      if (config.models().contains(plotModel) && !config.confidences().isEmpty()) {
        rows.add(plotModel + "@" + config.confidences().get(Math.min(1, config.confidences().size() - 1)));
      }
      FanChart.write(out.resolve("fan-vm" + fan.vm().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + plotResource.key() + ".svg"),
          fan, plotDays, rows);
    }
    stdout.print(Summary.table(Summary.medians(results)));
    stdout.printf(Locale.ROOT, "%d VMs (%d skipped), %d hours scored per series and model (%d skipped at gaps, %d unforecastable),"
        + " %.0f s; results in %s%n", pass.used(), skipped.count(), counts.scored(), counts.gapSkipped(),
        counts.unforecastable(), seconds, out);
    stdout.flush();
    skipped.summary(files.size()).forEach(err::println);
    err.flush();
    if (pass.used() == 0) {
      throw new IOException("no VM could be backtested (" + skipped.count() + " skipped, see above)");
    }
    return 0;
  }

  /** Peak resident set of this process (Linux), or -1. */
  private static long maxRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private BacktestConfig config(boolean history) throws UsageException {
    List<String> all = new ModelRegistry(Duration.ofMinutes(10)).names();
    List<String> chosen = models == null ? all : Arrays.stream(models.split(",")).map(String::trim).toList();
    for (String m : chosen) {
      if (!all.contains(m)) {
        throw new UsageException("--models: unknown model '" + m + "'; known: " + String.join(", ", all));
      }
    }
    List<Double> levels = new ArrayList<>();
    for (String c : confidences.split(",")) {
      try {
        levels.add(Double.parseDouble(c.trim()));
      } catch (NumberFormatException e) {
        throw new UsageException("--confidence: '" + c + "' is not a number");
      }
    }
    try {
      return new BacktestConfig(
          Durations.parse("--warmup", or(warmup, history ? "30m" : "8d")),
          Durations.parse("--horizon", or(horizon, history ? "60s" : "1h")),
          Durations.parse("--lead", or(lead, history ? "2s" : "5m")),
          Durations.parse("--max-gap", or(maxGap, history ? "5s" : "10m")),
          Durations.parse("--step", or(step, history ? "1s" : "5m")),
          levels,
          chosen);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static String or(String given, String otherwise) {
    return given != null ? given : otherwise;
  }

  private interface Parse<T> {
    T get();
  }

  private static <T> T parseOr(Parse<T> parse) throws UsageException {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private List<String> selectIds(List<String> ids) throws UsageException {
    if (ids.isEmpty()) {
      throw new UsageException("no traces in " + traces);
    }
    if (vms == null) {
      return ids;
    }
    Set<String> wanted = Arrays.stream(vms.split(",")).map(String::trim).collect(Collectors.toSet());
    List<String> chosen = ids.stream().filter(wanted::contains).toList();
    if (chosen.size() != wanted.size()) {
      wanted.removeAll(chosen);
      throw new UsageException("--vms: no trace for VM " + String.join(", ", wanted) + " in " + traces);
    }
    return chosen;
  }

  private static Map<String, Object> meta(
      BacktestConfig config, List<TraceResource> resources, int vmCount, HourlyBacktest.Counts counts, double seconds,
      Costs costs) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("protocol", "hourly limits, rolling origin, data up to hour_start - lead only");
    meta.put("warmup", config.warmup().toString());
    meta.put("period", config.period().toString());
    meta.put("lead", config.lead().toString());
    meta.put("max_gap", config.maxGap().toString());
    meta.put("confidences", config.confidences().toString());
    meta.put("series", resources.stream().map(TraceResource::key).toList().toString());
    meta.put("vms", vmCount);
    meta.put("hours_scored", counts.scored());
    meta.put("hours_skipped_gap", counts.gapSkipped());
    meta.put("hours_unforecastable", counts.unforecastable());
    meta.put("wall_seconds", seconds);
    costs.microsPerCall().forEach((m, c) -> {
      meta.put("us_per_observe." + m, c[0]);
      meta.put("us_per_forecast." + m, c[1]);
    });
    meta.put("pinball", "mean over hours and levels of the pinball loss of the peak quantiles, divided by the mean hourly peak");
    meta.put("slack", "sum((limit-usage)+)/sum(limit) over scored 5-minute samples");
    return meta;
  }
}
