package dev.umbra.shadow.anomaly;

/**
 * Turns a stream of raw surprises (each in [0, 1]) into how unlikely their recent average is
 * under their own long-run distribution: the anomaly-likelihood layer of Numenta's HTM detector
 * (Ahmad et al., "Unsupervised real-time anomaly detection for streaming data", Neurocomputing
 * 2017). The average of the last {@code averaging} surprises is compared with a normal fitted to
 * the last {@code history} such averages (re-fitted every {@code reestimate} steps, and every step
 * until it holds {@code reestimate} averages: a normal fitted to the first few dozen averages of a
 * series is far too narrow, and a live series scored after 40 steps reported at once); the tail
 * probability is put on a log scale so that 0.5 means a likelihood of 1 − 10⁻⁵ and 1.0 one of
 * 1 − 10⁻¹⁰. A single surprising value moves the average a little; a run of them, or a series
 * whose surprise is usually low, moves it a lot. Not thread-safe.
 */
final class AnomalyLikelihood {
  /** ln(1 − 0.9999999999): the log scale's 1.0. */
  private static final double LOG_FULL = Math.log(1.0 - 0.9999999999);

  private final Ring recent;
  private final History history;
  private final int reestimate;
  private final double minSpread;
  private long steps;
  private double mean;
  private double spread = Double.NaN;

  AnomalyLikelihood(int averaging, int history, int reestimate, double minSpread) {
    this.recent = new Ring(averaging);
    this.history = new History(history, reestimate);
    this.reestimate = reestimate;
    this.minSpread = minSpread;
  }

  /** Learns one surprise and returns the log-scaled likelihood of the recent average, in [0, 1]. */
  double observe(double surprise) {
    recent.add(surprise);
    double average = recent.mean();
    history.add(average);
    if (Double.isNaN(spread) || ++steps % reestimate == 0 || history.size() < reestimate) {
      mean = history.mean();
      spread = Math.max(history.std(), minSpread);
    }
    double likelihood = 1 - 0.5 * Gaussian.erfc((average - mean) / spread / Math.sqrt(2));
    return Math.min(1, Math.log(1.0000000001 - likelihood) / LOG_FULL);
  }

  /**
   * The newest averages as sums per block of {@code reestimate} values: the newest {@code
   * capacity / reestimate} full blocks and the one filling, so between {@code capacity} and
   * {@code capacity + reestimate − 1} values once full. Their mean and spread are only read once
   * per re-estimation, so nothing finer is needed, and a series costs a few hundred doubles instead
   * of {@code capacity} (8,640 by default: ~200 KB per series for the three likelihoods, MBs per
   * primary).
   */
  static final class History {
    private final int blockSize;
    private final double[] sums;
    private final double[] squares;
    private int blocks;
    private int newestBlock = -1;
    private double partialSum;
    private double partialSquares;
    private int partialCount;

    History(int capacity, int blockSize) {
      this.blockSize = blockSize;
      int full = Math.max(1, capacity / blockSize);
      this.sums = new double[full];
      this.squares = new double[full];
    }

    void add(double v) {
      partialSum += v;
      partialSquares += v * v;
      if (++partialCount == blockSize) {
        newestBlock = (newestBlock + 1) % sums.length;
        sums[newestBlock] = partialSum;
        squares[newestBlock] = partialSquares;
        blocks = Math.min(blocks + 1, sums.length);
        partialSum = 0;
        partialSquares = 0;
        partialCount = 0;
      }
    }

    int size() {
      return blocks * blockSize + partialCount;
    }

    double mean() {
      int n = size();
      return n == 0 ? 0 : total(sums, partialSum) / n;
    }

    double std() {
      int n = size();
      if (n < 2) {
        return 0;
      }
      double m = total(sums, partialSum) / n;
      return Math.sqrt(Math.max(0, total(squares, partialSquares) / n - m * m));
    }

    private double total(double[] perBlock, double partial) {
      double t = partial;
      for (int i = 0; i < blocks; i++) {
        t += perBlock[i];
      }
      return t;
    }
  }
}
