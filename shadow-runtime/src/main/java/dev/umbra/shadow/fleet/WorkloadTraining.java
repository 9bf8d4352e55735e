package dev.umbra.shadow.fleet;

import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.lstm.BlockFeatures;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.LstmTrainer;
import dev.umbra.shadow.forecast.lstm.TrainingSequence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * How the trainer fits one workload's series: the forecaster's own {@link BlockFeatures},
 * {@link TrainingSequence} and {@link LstmTrainer}, with the block and horizon the node shadow
 * forecasts its live 1 s series at, so that training and inference see identical inputs. This is
 * the one call site to switch when the forecaster gains a shared background-training API.
 */
final class WorkloadTraining {
  /** Block length of the live models: 10 s of the 1 s grid. */
  static final long BLOCK_SEC = 10;
  /** What the live models forecast: the peak over the next 60 s (the default horizon). */
  static final long HORIZON_SEC = 60;
  /** A longer hole is a gap: targets across it are unknown. */
  static final long MAX_GAP_SEC = 5;
  static final int FIRST_EPOCHS = 15;
  static final int FINE_TUNE_EPOCHS = 3;
  static final int SEGMENT_BLOCKS = 60;
  static final long SEED = 20261128L;

  private WorkloadTraining() {}

  /**
   * Fits a model of {@code series} on every run's window.
   *
   * @param previous the workload's last model of this series (fine-tuned from), or null
   * @return null when no run has a block with a known target yet
   */
  static LstmModel train(String series, List<RunWindow> runs, LstmModel previous, int version) {
    double floor = SeriesProfile.ofCanonical(series).floor();
    List<TrainingSequence> sequences = new ArrayList<>();
    long until = Long.MIN_VALUE;
    for (RunWindow run : runs) {
      long[] times = run.times();
      if (times.length == 0) {
        continue;
      }
      double[] values = new double[times.length];
      for (int i = 0; i < times.length; i++) {
        values[i] = Math.max(0, run.value(times[i]));
      }
      sequences.add(TrainingSequence.of(times, values, new BlockFeatures(BLOCK_SEC, 0, 1, floor), HORIZON_SEC, MAX_GAP_SEC));
      until = Math.max(until, times[times.length - 1]);
    }
    if (sequences.isEmpty()) {
      return null;
    }
    QuantileLevels levels = QuantileLevels.DEFAULT;
    MultiLayerNetwork network = previous != null && previous.levels().equals(levels)
        ? previous.copyNetwork()
        : LstmModel.newNetwork(levels, SEED);
    int epochs = previous != null ? FINE_TUNE_EPOCHS : FIRST_EPOCHS;
    return new LstmTrainer(SEGMENT_BLOCKS, 32, SEED).fit(network, levels, sequences, epochs, BLOCK_SEC, HORIZON_SEC,
        version, Instant.ofEpochSecond(until + 1));
  }
}
