package dev.umbra.shadow.forecast.lstm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One series' block features with their targets: the peak over the horizon after each block's
 * end divided by that block's {@link BlockFeatures.Block#base()}, or NaN where it is unknown (a gap, the end of the data, or
 * after the training cut-off). Built from the same {@link BlockFeatures} the forecaster uses, so
 * training and inference see identical inputs.
 */
public record TrainingSequence(List<BlockFeatures.Block> blocks, double[] targets) {
  public TrainingSequence {
    blocks = List.copyOf(blocks);
    Objects.requireNonNull(targets, "targets");
    if (targets.length != blocks.size()) {
      throw new IllegalArgumentException(blocks.size() + " blocks but " + targets.length + " targets");
    }
  }

  /**
   * @param timesSec increasing sample times
   * @param values samples, finite and ≥ 0
   * @param maxGapSec a longer spacing is a gap: targets across it are unknown
   */
  public static TrainingSequence of(long[] timesSec, double[] values, BlockFeatures features, long horizonSec, long maxGapSec) {
    List<BlockFeatures.Block> blocks = new ArrayList<>();
    for (int i = 0; i < timesSec.length; i++) {
      blocks.addAll(features.add(timesSec[i], values[i]));
    }
    if (timesSec.length > 0) {
      blocks.addAll(features.closeUntil(timesSec[timesSec.length - 1]));
    }
    double[] targets = new double[blocks.size()];
    int j = 0;
    for (int b = 0; b < blocks.size(); b++) {
      long end = blocks.get(b).endSec();
      while (j < timesSec.length && timesSec[j] <= end) {
        j++;
      }
      targets[b] = peakAfter(timesSec, values, j, end, horizonSec, maxGapSec) / blocks.get(b).base();
    }
    return new TrainingSequence(blocks, targets);
  }

  private static double peakAfter(long[] t, double[] v, int from, long end, long horizonSec, long maxGapSec) {
    if (from == 0 || from >= t.length || t[from] - t[from - 1] > maxGapSec) {
      return Double.NaN;
    }
    double peak = Double.NaN;
    int i = from;
    for (; i < t.length && t[i] <= end + horizonSec; i++) {
      if (t[i] - t[i - 1] > maxGapSec) {
        return Double.NaN;
      }
      peak = Double.isNaN(peak) ? v[i] : Math.max(peak, v[i]);
    }
    if (i >= t.length || t[i] - t[i - 1] > maxGapSec) {
      return Double.NaN; // the horizon runs past the data or into a gap
    }
    return peak;
  }

  /** The blocks ending after {@code fromSec} (older ones dropped). */
  public TrainingSequence after(long fromSec) {
    int first = 0;
    while (first < blocks.size() && blocks.get(first).endSec() <= fromSec) {
      first++;
    }
    return new TrainingSequence(blocks.subList(first, blocks.size()),
        Arrays.copyOfRange(targets, first, targets.length));
  }

  /** The newest {@code count} blocks (all when there are fewer). */
  public TrainingSequence newest(int count) {
    int first = Math.max(0, blocks.size() - Math.max(0, count));
    return new TrainingSequence(blocks.subList(first, blocks.size()),
        Arrays.copyOfRange(targets, first, targets.length));
  }

  /** The blocks ending at or before {@code cutoffSec} whose targets were known by then. */
  public TrainingSequence until(long cutoffSec, long horizonSec) {
    int n = 0;
    while (n < blocks.size() && blocks.get(n).endSec() <= cutoffSec) {
      n++;
    }
    double[] t = Arrays.copyOf(targets, n);
    for (int b = 0; b < n; b++) {
      if (blocks.get(b).endSec() + horizonSec > cutoffSec) {
        t[b] = Double.NaN;
      }
    }
    return new TrainingSequence(blocks.subList(0, n), t);
  }
}
