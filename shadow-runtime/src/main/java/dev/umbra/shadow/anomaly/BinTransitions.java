package dev.umbra.shadow.anomaly;

/**
 * A one-step forecast with sequence context: the series' range seen so far is cut into {@code
 * bins} equal bins, and the next value's bin is forecast from how often each bin followed the bins
 * of the last {@code order} values (backing off to shorter contexts until one has been seen at
 * least {@code minSupport} times). The surprise of a value is the surprisal of its bin under that
 * forecast, −ln p with half-count smoothing, scaled so that a quarter of a uniform guess's
 * probability (1/(4·bins)) or less is 1. A value that is ordinary on its own but
 * unusual after what came before it — a level held where the series always moved on, a rise where
 * it always fell — is surprising here and not under the recent marginal distribution. Not
 * thread-safe.
 */
final class BinTransitions {
  private final int bins;
  private final int order;
  private final int minSupport;
  /** Surprisal that counts as 1: a bin forecast at a quarter of a uniform guess's probability. */
  private final double maxSurprisal;
  /** Per context (see {@link #context}): counts of each next bin, and their total at index {@code bins}. */
  private final int[][] counts;
  /** Bins of the newest values, newest first. */
  private final int[] recent;
  private int known;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  BinTransitions(int bins, int order, int minSupport) {
    if (bins < 2 || order < 1 || minSupport < 1) {
      throw new IllegalArgumentException("bins >= 2, order >= 1, minSupport >= 1");
    }
    this.bins = bins;
    this.order = order;
    this.minSupport = minSupport;
    this.maxSurprisal = Math.log(4.0 * bins);
    int contexts = 0;
    for (int k = 1, size = bins; k <= order; k++, size *= bins) {
      contexts += size;
    }
    this.counts = new int[contexts][bins + 1];
    this.recent = new int[order];
  }

  /** Learns one value and returns its surprise in [0, 1] under the forecast made before it. */
  double observe(double value) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    int bin = bin(value);
    double surprise = 0;
    for (int k = Math.min(order, known); k >= 1; k--) {
      int[] next = counts[context(k)];
      if (next[bins] >= minSupport) {
        double p = (next[bin] + 0.5) / (next[bins] + 0.5 * bins);
        surprise = Math.min(1, -Math.log(p) / maxSurprisal);
        break;
      }
    }
    for (int k = 1; k <= Math.min(order, known); k++) {
      int[] next = counts[context(k)];
      next[bin]++;
      next[bins]++;
    }
    System.arraycopy(recent, 0, recent, 1, order - 1);
    recent[0] = bin;
    known = Math.min(known + 1, order);
    return surprise;
  }

  private int bin(double value) {
    double range = max - min;
    if (range <= 0) {
      return 0;
    }
    return Math.min(bins - 1, (int) ((value - min) / range * bins));
  }

  /** Index of the context made of the newest {@code k} bins: contexts of order 1 first, then 2, … */
  private int context(int k) {
    int offset = 0;
    int size = bins;
    for (int j = 1; j < k; j++, size *= bins) {
      offset += size;
    }
    int id = 0;
    for (int j = 0; j < k; j++) {
      id = id * bins + recent[j];
    }
    return offset + id;
  }
}
