package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.lstm.TrainingPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the shadow forecasts live and how it trains its LSTMs.
 *
 * @param targets series with live models, e.g. {@code cpu.process}
 * @param horizons horizons each target is forecast at continuously
 * @param levels quantile levels of the live models (other levels are interpolated)
 * @param trainEvery a workload's model is retrained (incrementally) at most this often
 * @param checkEvery how often the trainer looks for work
 * @param history how far back a training run reads each primary's 1 s history
 * @param maxRuns at most this many runs (primaries) of a workload, newest first, per fit
 * @param maxQueued grid ticks queued for the live-forecast thread before new ones are dropped
 * @param minBlocks blocks with a known target that a first version needs (one block per horizon)
 */
public record LearningSettings(List<String> targets, List<Horizon> horizons, QuantileLevels levels,
    Duration trainEvery, Duration checkEvery, Duration history, int maxRuns, int maxQueued, int minBlocks) {
  public LearningSettings {
    targets = List.copyOf(targets);
    horizons = List.copyOf(horizons);
    Objects.requireNonNull(levels, "levels");
    Objects.requireNonNull(trainEvery, "trainEvery");
    Objects.requireNonNull(checkEvery, "checkEvery");
    Objects.requireNonNull(history, "history");
    if (maxRuns < 1 || maxQueued < 1 || checkEvery.isNegative() || checkEvery.isZero()) {
      throw new IllegalArgumentException("maxRuns, maxQueued and checkEvery must be positive");
    }
    if (minBlocks < 4) {
      throw new IllegalArgumentException("a first version needs at least 4 blocks, not " + minBlocks);
    }
  }

  /** With the default {@link dev.umbra.shadow.forecast.lstm.TrainingPlan#MIN_BLOCKS} for a first version. */
  public LearningSettings(List<String> targets, List<Horizon> horizons, QuantileLevels levels,
      Duration trainEvery, Duration checkEvery, Duration history, int maxRuns, int maxQueued) {
    this(targets, horizons, levels, trainEvery, checkEvery, history, maxRuns, maxQueued,
        TrainingPlan.MIN_BLOCKS);
  }

  /**
   * These settings serving {@code horizon} too, for every target (the resource manager's lead at
   * 1 s steps); unchanged when it is already served.
   */
  public LearningSettings withHorizon(Horizon horizon) {
    if (horizons.contains(horizon)) {
      return this;
    }
    List<Horizon> more = new ArrayList<>(horizons);
    more.add(horizon);
    return new LearningSettings(targets, more, levels, trainEvery, checkEvery, history, maxRuns, maxQueued, minBlocks);
  }

  /** These settings with other training pace and threshold (the {@code forecast-*} keys). */
  public LearningSettings withTraining(Duration checkEvery, Duration trainEvery, int minBlocks) {
    return new LearningSettings(targets, horizons, levels, trainEvery, checkEvery, history, maxRuns, maxQueued, minBlocks);
  }

  /**
   * CPU and memory at 60 × 1 s and 60 × 10 s, default levels; retrain every 10 minutes from up
   * to a day of the 10 newest runs.
   */
  public static LearningSettings defaults() {
    return new LearningSettings(List.of("cpu.process", "mem.heap.used", "mem.rss"),
        List.of(Horizon.DEFAULT, new Horizon(60, Duration.ofSeconds(10))), QuantileLevels.DEFAULT,
        Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofDays(1), 10, 10_000);
  }
}
