package dev.umbra.shadow.forecast.backtest;

import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.lstm.BlockFeatures;
import dev.umbra.shadow.forecast.lstm.LstmForecaster;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.LstmTrainer;
import dev.umbra.shadow.forecast.lstm.ModelSource;
import dev.umbra.shadow.forecast.lstm.TrainingSequence;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Trains the LSTM for the backtest without look-ahead: VMs are split in two folds (by position,
 * alternating); the model a VM uses is trained only on the other fold's VMs ("similar
 * computations"), and only on blocks whose targets were known at the version's start. A first
 * version is trained on the warm-up; then every 14 days a new version is fine-tuned from the
 * previous one on the last 14 days. Costs (training seconds, versions) are recorded.
 */
public final class LstmFolds {
  static final Duration UPDATE_EVERY = Duration.ofDays(14);
  static final Duration FINE_TUNE_WINDOW = Duration.ofDays(14);
  // 48-block segments every 24 blocks, 32 a minibatch: the first version ~630 gradient steps, each
  // fine-tune ~110 (15 and 2 epochs of disjoint 168-block segments gave ~30 and ~4, and a pinball
  // loss of the peak of 0.131 / 0.072 against 0.110 / 0.053 now; docs/forecasting.md, "The LSTM's
  // training budget"). Measured on the shared 2-core machine: 351 s for the 24 versions at load <= 2.5.
  static final int SEGMENT_BLOCKS = 48;
  static final int STRIDE_BLOCKS = 24;
  static final int BATCH = 32;
  static final int FIRST_EPOCHS = 90;
  static final int FINE_TUNE_EPOCHS = 9;

  private final Map<String, ModelSource> sources = new HashMap<>();
  private final Map<String, Object> costs = new LinkedHashMap<>();

  private LstmFolds() {}

  /** Reads every trace, builds block sequences and trains both folds' versions. */
  public static LstmFolds train(List<Path> files, List<TraceResource> resources, BacktestConfig config,
      HourlyBacktest backtest, PrintStream progress) throws IOException {
    TraceSource source = TraceSource.files(files);
    return train(source, source.ids(), resources, config, backtest, progress);
  }

  /** As {@link #train(List, List, BacktestConfig, HourlyBacktest, PrintStream)}, over any trace source. */
  public static LstmFolds train(TraceSource traces, List<String> traceIds, List<TraceResource> resources,
      BacktestConfig config, HourlyBacktest backtest, PrintStream progress) throws IOException {
    LstmFolds folds = new LstmFolds();
    QuantileLevels levels = config.modelLevels();
    long period = config.period().toSeconds();
    long lead = config.lead().toSeconds();
    long horizonSec = backtest.horizon().duration().toSeconds();
    List<String> ids = new ArrayList<>();
    Map<TraceResource, List<TrainingSequence>> sequences = new LinkedHashMap<>();
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (String traceId : traceIds) {
      VmTrace vm = traces.read(traceId);
      ids.add(vm.id());
      start = Math.min(start, vm.timeSec(0));
      end = Math.max(end, vm.timeSec(vm.size() - 1));
      for (TraceResource r : resources) {
        BlockFeatures features = new BlockFeatures(period, -lead, config.sampleStep().toSeconds(), r.profile(vm).floor());
        sequences.computeIfAbsent(r, k -> new ArrayList<>()).add(
            TrainingSequence.of(vm.timesSec(), vm.column(r), features, horizonSec, config.maxGap().toSeconds()));
      }
    }
    long first = Math.floorDiv(start + config.warmup().toSeconds() + period - 1, period) * period - lead;
    LstmTrainer trainer = new LstmTrainer(SEGMENT_BLOCKS, STRIDE_BLOCKS, BATCH, 20130701L);
    long trainNanos = 0;
    int versions = 0;
    for (TraceResource r : resources) {
      for (int fold = 0; fold < 2; fold++) {
        List<TrainingSequence> others = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          if (i % 2 != fold) {
            others.add(sequences.get(r).get(i));
          }
        }
        long t0 = System.nanoTime();
        Map<Instant, LstmModel> schedule = schedule(trainer, levels, others, first, end, period, horizonSec);
        trainNanos += System.nanoTime() - t0;
        versions += schedule.size();
        progress.printf("lstm %s fold %d: %d versions, %.0f s so far%n", r.key(), fold, schedule.size(), trainNanos / 1e9);
        ModelSource source = ModelSource.schedule(schedule);
        for (int i = 0; i < ids.size(); i++) {
          if (i % 2 == fold) {
            folds.sources.put(ids.get(i) + "/" + r.key(), source);
          }
        }
      }
    }
    folds.costs.put("lstm_versions_trained", versions);
    folds.costs.put("lstm_train_seconds_total", trainNanos / 1e9);
    folds.costs.put("lstm_train_seconds_per_version", versions == 0 ? Double.NaN : trainNanos / 1e9 / versions);
    folds.costs.put("lstm_parameters", LstmModel.newNetwork(levels, 1).numParams());
    return folds;
  }

  private static Map<Instant, LstmModel> schedule(LstmTrainer trainer, QuantileLevels levels,
      List<TrainingSequence> others, long first, long end, long period, long horizonSec) {
    Map<Instant, LstmModel> schedule = new TreeMap<>();
    MultiLayerNetwork net = LstmModel.newNetwork(levels, 7);
    int version = 0;
    for (long cutoff = first; cutoff < end; cutoff += UPDATE_EVERY.toSeconds()) {
      List<TrainingSequence> data = new ArrayList<>();
      for (TrainingSequence s : others) {
        TrainingSequence seen = s.until(cutoff, horizonSec);
        data.add(version == 0 ? seen : seen.after(cutoff - FINE_TUNE_WINDOW.toSeconds()));
      }
      MultiLayerNetwork candidate = version == 0 ? net : net.clone();
      LstmModel model = trainer.fit(candidate, levels, data, version == 0 ? FIRST_EPOCHS : FINE_TUNE_EPOCHS,
          period, horizonSec, version + 1, Instant.ofEpochSecond(cutoff));
      if (model == null) {
        continue;
      }
      net = candidate;
      version++;
      schedule.put(Instant.ofEpochSecond(cutoff), model);
    }
    return schedule;
  }

  /** The LSTM's factory for the registry: looks up the VM's fold schedule from the series name. */
  public OnlineForecaster.Factory factory(SeriesProfile profile, BacktestConfig config) {
    return OnlineForecaster.Factory.of(ModelRegistry.LSTM, (series, horizon, levels) -> {
      ModelSource source = sources.get(series);
      if (source == null) {
        throw new IllegalArgumentException("no LSTM was trained for " + series);
      }
      return new LstmForecaster(series, profile, horizon, levels, source,
          new LstmForecaster.Timing(config.period().toSeconds(), -config.lead().toSeconds(), config.maxGap()));
    });
  }

  /** Training cost figures for the results file. */
  public Map<String, Object> costs() {
    return costs;
  }
}
