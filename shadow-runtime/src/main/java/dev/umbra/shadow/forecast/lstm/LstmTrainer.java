package dev.umbra.shadow.forecast.lstm;

import dev.umbra.shadow.forecast.QuantileLevels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fits an {@link LstmModel} on training sequences: each is cut into segments of {@code
 * segmentBlocks} blocks, shuffled with a fixed seed and fed in minibatches; steps whose target is
 * unknown are masked out. Synchronous and single-threaded on the Java side: run it on a
 * low-priority background thread with {@link NativeThreads#limit} set, never on a primary's path.
 */
public final class LstmTrainer {
  private final int segmentBlocks;
  private final int strideBlocks;
  private final int batchSize;
  private final long seed;

  /** Non-overlapping segments: each block is in exactly one. */
  public LstmTrainer(int segmentBlocks, int batchSize, long seed) {
    this(segmentBlocks, segmentBlocks, batchSize, seed);
  }

  /**
   * Segments of {@code segmentBlocks} starting every {@code strideBlocks} blocks of a sequence: a
   * stride shorter than the segment makes overlapping segments, so more minibatches per epoch.
   */
  public LstmTrainer(int segmentBlocks, int strideBlocks, int batchSize, long seed) {
    if (segmentBlocks < 2 || batchSize < 1 || strideBlocks < 1 || strideBlocks > segmentBlocks) {
      throw new IllegalArgumentException("segments need >= 2 blocks, 1 <= stride <= segment, batches >= 1 segment");
    }
    this.segmentBlocks = segmentBlocks;
    this.strideBlocks = strideBlocks;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  /** Segments with at least one known target. */
  List<double[][][]> segments(List<TrainingSequence> sequences, int outputs) {
    List<double[][][]> out = new ArrayList<>();
    for (TrainingSequence s : sequences) {
      int n = s.blocks().size();
      for (int start = 0; start < n; start += strideBlocks) {
        if (start > 0 && start + segmentBlocks - strideBlocks >= n) {
          break; // the blocks from here on are all in the previous segment
        }
        int len = Math.min(segmentBlocks, n - start);
        double[][] f = new double[BlockFeatures.COUNT][segmentBlocks];
        double[][] y = new double[outputs][segmentBlocks];
        double[][] mask = new double[1][segmentBlocks];
        boolean any = false;
        for (int k = 0; k < len; k++) {
          BlockFeatures.Block b = s.blocks().get(start + k);
          for (int i = 0; i < BlockFeatures.COUNT; i++) {
            f[i][k] = b.features()[i];
          }
          double target = s.targets()[start + k];
          if (!Double.isNaN(target) && !b.empty()) {
            double clipped = Math.min(target, 50);
            for (int j = 0; j < outputs; j++) {
              y[j][k] = clipped;
            }
            mask[0][k] = 1;
            any = true;
          }
        }
        if (any) {
          out.add(new double[][][] {f, y, mask});
        }
      }
    }
    return out;
  }

  /**
   * Trains {@code network} in place for {@code epochs} passes and wraps it.
   *
   * @return null when no sequence has a known target
   */
  public LstmModel fit(MultiLayerNetwork network, QuantileLevels levels, List<TrainingSequence> sequences, int epochs,
      long blockSec, long horizonSec, int version, Instant trainedUntil) {
    return fit(network, levels, sequences, epochs, blockSec, horizonSec, version, trainedUntil, () -> false);
  }

  /**
   * As {@link #fit(MultiLayerNetwork, QuantileLevels, List, int, long, long, int, Instant)}, checking
   * {@code cancelled} before every minibatch.
   *
   * @throws CancellationException as soon as {@code cancelled} says so; the network is then
   *     partly trained and must be dropped
   */
  public LstmModel fit(MultiLayerNetwork network, QuantileLevels levels, List<TrainingSequence> sequences, int epochs,
      long blockSec, long horizonSec, int version, Instant trainedUntil, BooleanSupplier cancelled) {
    List<double[][][]> segments = segments(sequences, levels.size());
    if (segments.isEmpty()) {
      return null;
    }
    Random random = new Random(seed + version);
    for (int epoch = 0; epoch < epochs; epoch++) {
      Collections.shuffle(segments, random);
      for (int from = 0; from < segments.size(); from += batchSize) {
        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
          throw new CancellationException("training of version " + version + " cancelled");
        }
        List<double[][][]> batch = segments.subList(from, Math.min(segments.size(), from + batchSize));
        network.fit(toDataSet(batch, levels.size()));
      }
    }
    network.rnnClearPreviousState();
    return new LstmModel(network, levels, blockSec, horizonSec, version, trainedUntil);
  }

  private DataSet toDataSet(List<double[][][]> batch, int outputs) {
    int mb = batch.size();
    double[][][] f = new double[mb][][];
    double[][][] y = new double[mb][][];
    double[][] m = new double[mb][];
    for (int i = 0; i < mb; i++) {
      f[i] = batch.get(i)[0];
      y[i] = batch.get(i)[1];
      m[i] = batch.get(i)[2][0];
    }
    INDArray features = Nd4j.create(f).castTo(DataType.FLOAT);
    INDArray labels = Nd4j.create(y).castTo(DataType.FLOAT);
    INDArray labelMask = Nd4j.create(m).castTo(DataType.FLOAT);
    return new DataSet(features, labels, null, labelMask);
  }
}
