package dev.umbra.shadow.forecast.lstm;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a series' samples into one feature vector per block. Block {@code e} covers
 * (e − block, e] where {@code (e − offset) mod block = 0}; it closes when a later sample arrives
 * or when {@link #closeUntil} reaches its end. Features, divided by the running scale (the mean
 * level: the block peaks exponentially smoothed over ~24 blocks, at least the series' floor) and
 * clipped to [0, 20]: peak, mean, minimum, last value, the peak one day (86400 s / block blocks)
 * earlier, then sin and cos of the time of day of the block end, the share of the expected
 * samples present, the series' volatility (the exponentially weighted mean absolute log change of
 * consecutive block peaks, same weight), the slow level (~168 blocks) over the level; then three
 * per-series baseline forecasts of the next block's peak, each as its 0.1, 0.5, 0.9 and 0.99
 * quantiles in the outputs' unit (over {@link Block#base()}): a level (the block's peak, its mean,
 * the peak one day before the next block) times the quantiles of the series' own last 168
 * resolved ratios of a block's peak to that level one block earlier (the recent-peak, EWMA and
 * seasonal-naive baselines' empirical ratios). So one network shared by many series sees each
 * one's own level, spread and error distribution, and learns to correct and combine per-series
 * baselines rather than forecast from nothing (ES-RNN's hybrid; docs/forecasting.md, "The hybrid
 * LSTM"). Not thread-safe. Targets and outputs are ratios to {@link Block#base()}: a network that
 * outputs 1 forecasts "the next horizon peaks like the last block", the natural starting point.
 */
public final class BlockFeatures {
  /** Number of features per block. */
  public static final int COUNT = 22;
  static final double CLIP = 20;
  /** Weight of a new block's peak in the level (the scale): a memory of ~24 blocks, a day of hours. */
  static final double LEVEL_ALPHA = 1.0 / 24;
  /** Weight of a new block's peak in the slow level: ~a week of hours. */
  static final double SLOW_ALPHA = 1.0 / 168;
  /** Resolved one-block ratios whose quantiles are inputs: a week of hours. */
  static final int RATIO_WINDOW = 168;
  static final double[] RATIO_LEVELS = {0.1, 0.5, 0.9, 0.99};
  static final int BASELINES_AT = 10;

  /** A closed block: its end (Unix s), its features, and the scale they were divided by. */
  public record Block(long endSec, double[] features, double scale, double peak, boolean empty) {
    /**
     * What the network's outputs multiply: the block's peak, at least 5 % of the scale (so an
     * idle block does not forecast zero) and at least the floor.
     */
    public double base() {
      double p = empty ? 0 : peak;
      return Math.max(p, 0.05 * scale);
    }
  }

  private final long blockSec;
  private final long offsetSec;
  private final double expectedSamples;
  private final double floor;
  private final int blocksPerDay;
  private final List<Double> peaks = new ArrayList<>(); // raw peaks, for the seasonal feature
  private double level = Double.NaN; // exponentially smoothed block peak (ES-RNN's level)
  private double slowLevel = Double.NaN;
  private double volatility; // exponentially weighted mean |log change| of consecutive block peaks
  private double previousPeak = Double.NaN;
  private final Baseline recentPeak = new Baseline();
  private final Baseline mean = new Baseline();
  private final Baseline seasonal = new Baseline();
  private long openEnd = Long.MIN_VALUE;
  private double max;
  private double min;
  private double sum;
  private double last;
  private int count;

  /**
   * @param blockSec block length
   * @param offsetSec block ends are at offset + k·block (e.g. −300 for blocks ending 5 minutes
   *     before each hour)
   * @param sampleSec expected spacing of samples
   * @param floor smallest scale, in the series' unit
   */
  public BlockFeatures(long blockSec, long offsetSec, long sampleSec, double floor) {
    if (blockSec <= 0 || sampleSec <= 0 || !(floor > 0)) {
      throw new IllegalArgumentException("block, sample spacing and floor must be positive");
    }
    this.blockSec = blockSec;
    this.offsetSec = Math.floorMod(offsetSec, blockSec);
    this.expectedSamples = (double) blockSec / sampleSec;
    this.floor = floor;
    this.blocksPerDay = (int) Math.max(1, 86400 / blockSec);
  }

  /** End of the block holding a sample at {@code t}. */
  public long endOf(long t) {
    long k = Math.floorDiv(t - offsetSec + blockSec - 1, blockSec);
    return k * blockSec + offsetSec;
  }

  /** Adds a sample; returns the blocks it closed (empty ones for skipped blocks, at most a day). */
  public List<Block> add(long t, double value) {
    List<Block> closed = closeUntil(endOf(t) - blockSec);
    if (openEnd == Long.MIN_VALUE) {
      openEnd = endOf(t);
      count = 0;
    }
    if (count == 0) {
      max = value;
      min = value;
      sum = 0;
    }
    max = Math.max(max, value);
    min = Math.min(min, value);
    sum += value;
    last = value;
    count++;
    return closed;
  }

  /** Closes every block that ends at or before {@code t}. */
  public List<Block> closeUntil(long t) {
    List<Block> closed = new ArrayList<>();
    if (openEnd == Long.MIN_VALUE) {
      return closed;
    }
    int guard = 0;
    while (openEnd <= t && guard++ < blocksPerDay + 1) {
      closed.add(close());
      openEnd += blockSec;
    }
    if (openEnd <= t) { // a long hole: jump, the state carries no information across it
      openEnd = endOf(t + 1);
      count = 0;
    }
    return closed;
  }

  private Block close() {
    boolean empty = count == 0;
    double peak = empty ? Double.NaN : max;
    if (!empty) {
      smooth(Math.max(floor, peak));
      recentPeak.resolve(peak);
      mean.resolve(peak);
      seasonal.resolve(peak);
    }
    peaks.add(peak);
    // an exponentially smoothed level, not the mean of all peaks: it forgets, so the inputs do not
    // depend on how much history a fit or a replay saw (the mean of all peaks did)
    double scale = Double.isNaN(level) ? floor : Math.max(floor, level);
    double[] f = new double[COUNT];
    if (!empty) {
      f[0] = clip(max / scale);
      f[1] = clip(sum / count / scale);
      f[2] = clip(min / scale);
      f[3] = clip(last / scale);
      double dayEarlier = peakBack(blocksPerDay);
      f[4] = clip((Double.isNaN(dayEarlier) ? max : dayEarlier) / scale);
    }
    double dayFraction = Math.floorMod(openEnd, 86400L) / 86400.0;
    f[5] = Math.sin(2 * Math.PI * dayFraction);
    f[6] = Math.cos(2 * Math.PI * dayFraction);
    f[7] = Math.min(1, count / expectedSamples);
    f[8] = clip(volatility);
    f[9] = Double.isNaN(level) ? 1 : clip(slowLevel / level);
    Block b = new Block(openEnd, f, scale, peak, empty);
    double base = b.base();
    double dayBefore = peakBack(blocksPerDay - 1); // the peak one day before the next block
    double least = Math.max(floor, 0.05 * scale); // as base(): a level near zero is no level
    recentPeak.next(empty ? Double.NaN : base, base, f, BASELINES_AT);
    mean.next(empty ? Double.NaN : Math.max(least, sum / count), base, f, BASELINES_AT + RATIO_LEVELS.length);
    seasonal.next(empty ? Double.NaN : Math.max(least, Double.isNaN(dayBefore) ? base : dayBefore), base, f,
        BASELINES_AT + 2 * RATIO_LEVELS.length);
    if (peaks.size() > 2 * blocksPerDay) {
      peaks.subList(0, peaks.size() - 2 * blocksPerDay).clear();
    }
    count = 0;
    return b;
  }

  /** The peak {@code back} blocks before the newest closed one; NaN if unknown or empty. */
  private double peakBack(int back) {
    int i = peaks.size() - 1 - back;
    return i >= 0 ? peaks.get(i) : Double.NaN;
  }

  private void smooth(double peak) {
    if (Double.isNaN(level)) {
      level = peak;
      slowLevel = peak;
    } else {
      level += LEVEL_ALPHA * (peak - level);
      slowLevel += SLOW_ALPHA * (peak - slowLevel);
      volatility += LEVEL_ALPHA * (Math.abs(Math.log(peak / previousPeak)) - volatility);
    }
    previousPeak = peak;
  }

  /**
   * One baseline: its level for the next block, and its resolved ratios (a block's peak over the
   * level set for it one block earlier); a NaN level (after an empty block) resolves nothing.
   */
  private static final class Baseline {
    private final SlidingQuantiles ratios = new SlidingQuantiles(RATIO_WINDOW);
    private double level = Double.NaN;

    void resolve(double peak) {
      if (!Double.isNaN(level)) {
        ratios.add(peak / level);
      }
    }

    /** Sets the level for the next block and writes its forecast's quantiles over {@code base} to {@code f[at…]}. */
    void next(double nextLevel, double base, double[] f, int at) {
      level = nextLevel;
      double relative = Double.isNaN(nextLevel) ? 1 : nextLevel / base;
      for (int i = 0; i < RATIO_LEVELS.length; i++) {
        f[at + i] = clip(relative * (ratios.size() == 0 ? 1 : ratios.quantile(RATIO_LEVELS[i])));
      }
    }
  }

  private static double clip(double x) {
    return Math.max(0, Math.min(CLIP, x));
  }
}
