package dev.umbra.shadow.forecast.lstm;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.QuantileLevels;
import java.util.Objects;

/**
 * What a workload's model forecasts and how it is trained.
 *
 * @param sampleSec spacing of the samples fed in (the horizon's step)
 * @param blockSec one LSTM step covers this many seconds of samples
 * @param horizonSec the model forecasts the peak over this span after each block
 * @param maxGapSec a longer spacing between samples is a hole: targets across it are unknown
 * @param floor smallest scale, in the series' unit (see {@code SeriesProfile.floor()})
 * @param levels the quantile levels of the network's outputs
 * @param firstEpochs passes over the data for a first version
 * @param updateEpochs passes for an incremental version (fine-tuned from the previous one)
 * @param updateWindowSec an incremental version trains on blocks ending this long before the
 *     previous version's cut-off, or later
 * @param minKnownBlocks fewer blocks with a known target is too little history to train
 * @param maxBlocks a fit trains on at most this many blocks in all, the newest of each run (an equal
 *     share per run): the bound on a fit's memory and time (see {@link #MAX_BLOCKS})
 */
public record TrainingPlan(long sampleSec, long blockSec, long horizonSec, long maxGapSec, double floor,
    QuantileLevels levels, int firstEpochs, int updateEpochs, long updateWindowSec, int minKnownBlocks,
    int maxBlocks) {
  public TrainingPlan {
    Objects.requireNonNull(levels, "levels");
    if (sampleSec < 1 || blockSec < sampleSec || horizonSec < 1 || maxGapSec < sampleSec) {
      throw new IllegalArgumentException("plan: need 1 <= sample <= block, horizon >= 1, max gap >= sample");
    }
    if (!(floor > 0) || firstEpochs < 1 || updateEpochs < 1 || updateWindowSec < blockSec || minKnownBlocks < 1) {
      throw new IllegalArgumentException("plan: floor, epochs, update window and minimum blocks must be positive");
    }
    if (maxBlocks < minKnownBlocks) {
      throw new IllegalArgumentException("plan: at most " + maxBlocks + " blocks per fit is fewer than the "
          + minKnownBlocks + " a version needs");
    }
  }

  /**
   * Blocks a live fit trains on at most, across its runs: a day at 60 × 1 s, 4 hours at the
   * manager's 10 × 1 s, 10 days at 60 × 10 s. Up to 32 segments (5,376 blocks at 10 × 1 s) a fit
   * is one minibatch per epoch; beyond, heap and time grow with every 32 segments. Measured
   * ({@code ForecastCostBenchmark cap}, a day at 10 × 1 s, 3 runs, docs/forecasting.md): 639 MB
   * allocated at 1,440 blocks against 1.3 GB for the whole day, and a held-out pinball loss of
   * the peak no worse (0.029 against 0.034); ten runs of a day uncapped would be 17 minibatches.
   */
  public static final int MAX_BLOCKS = 1440;

  /** Blocks with a known target a live first version needs by default. */
  public static final int MIN_BLOCKS = 30;

  /** {@link #live(Horizon, QuantileLevels, double, int)} with {@link #MIN_BLOCKS}. */
  public static TrainingPlan live(Horizon horizon, QuantileLevels levels, double floor) {
    return live(horizon, levels, floor, MIN_BLOCKS);
  }

  /**
   * The plan of a live forecast: samples at the horizon's step, one block per horizon, holes
   * over 5 steps (at least 5 s), 15 first and 2 incremental epochs, incremental fits on the last
   * 2 hours or 12 blocks, whichever is longer, and at least {@code minBlocks} blocks with known
   * targets.
   */
  public static TrainingPlan live(Horizon horizon, QuantileLevels levels, double floor, int minBlocks) {
    long step = horizon.step().toSeconds();
    long span = horizon.duration().toSeconds();
    return new TrainingPlan(step, span, span, Math.max(5, 5 * step), floor, levels, 15, 2,
        Math.max(7200, 12 * span), minBlocks, Math.max(MAX_BLOCKS, minBlocks));
  }

  /** This plan with another bound on the blocks of a fit. */
  public TrainingPlan withMaxBlocks(int blocks) {
    return new TrainingPlan(sampleSec, blockSec, horizonSec, maxGapSec, floor, levels, firstEpochs, updateEpochs,
        updateWindowSec, minKnownBlocks, blocks);
  }
}
