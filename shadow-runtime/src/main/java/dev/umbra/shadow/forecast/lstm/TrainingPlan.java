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
 */
public record TrainingPlan(long sampleSec, long blockSec, long horizonSec, long maxGapSec, double floor,
    QuantileLevels levels, int firstEpochs, int updateEpochs, long updateWindowSec, int minKnownBlocks) {
  public TrainingPlan {
    Objects.requireNonNull(levels, "levels");
    if (sampleSec < 1 || blockSec < sampleSec || horizonSec < 1 || maxGapSec < sampleSec) {
      throw new IllegalArgumentException("plan: need 1 <= sample <= block, horizon >= 1, max gap >= sample");
    }
    if (!(floor > 0) || firstEpochs < 1 || updateEpochs < 1 || updateWindowSec < blockSec || minKnownBlocks < 1) {
      throw new IllegalArgumentException("plan: floor, epochs, update window and minimum blocks must be positive");
    }
  }

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
        Math.max(7200, 12 * span), minBlocks);
  }
}
