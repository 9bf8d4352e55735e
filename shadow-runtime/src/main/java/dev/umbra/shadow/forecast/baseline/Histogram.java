package dev.umbra.shadow.forecast.baseline;

/**
 * VPA's bucket histogram ({@code histogram.go}): each bucket holds the total weight of the
 * samples that fell in it; no interpolation within a bucket. {@link #percentile} has VPA's
 * semantics (the end of the bucket where the cumulative weight reaches the threshold, or the
 * start of the last bucket); {@link #interpolatedPercentile} is this project's addition for
 * quantile forecasts. Not thread-safe.
 */
public class Histogram {
  final ExponentialBuckets buckets;
  final double[] bucketWeight;
  double totalWeight;
  int minBucket;
  int maxBucket;

  public Histogram(ExponentialBuckets buckets) {
    this.buckets = buckets;
    this.bucketWeight = new double[buckets.numBuckets()];
    this.minBucket = bucketWeight.length - 1;
    this.maxBucket = 0;
  }

  public void addSample(double value, double weight) {
    if (weight < 0) {
      throw new IllegalArgumentException("sample weight must be non-negative: " + weight);
    }
    int bucket = buckets.findBucket(value);
    bucketWeight[bucket] += weight;
    totalWeight += weight;
    if (bucket < minBucket && bucketWeight[bucket] >= buckets.epsilon()) {
      minBucket = bucket;
    }
    if (bucket > maxBucket && bucketWeight[bucket] >= buckets.epsilon()) {
      maxBucket = bucket;
    }
  }

  /** Removes weight from the bucket of {@code value}; never below zero (VPA clamps). */
  public void subtractSample(double value, double weight) {
    if (weight < 0) {
      throw new IllegalArgumentException("sample weight must be non-negative: " + weight);
    }
    int bucket = buckets.findBucket(value);
    if (weight > bucketWeight[bucket] - buckets.epsilon()) {
      weight = bucketWeight[bucket];
    }
    totalWeight -= weight;
    bucketWeight[bucket] -= weight;
    updateMinAndMaxBucket();
  }

  /**
   * VPA's percentile: 0 when empty; else the end of the first bucket (from the lowest non-empty
   * one) at which the cumulative weight reaches {@code percentile·totalWeight}, or the start of
   * the last bucket.
   */
  public double percentile(double percentile) {
    if (isEmpty()) {
      return 0.0;
    }
    double partialSum = 0.0;
    double threshold = percentile * totalWeight;
    int bucket = minBucket;
    for (; bucket < maxBucket; bucket++) {
      partialSum += bucketWeight[bucket];
      if (partialSum >= threshold) {
        break;
      }
    }
    if (bucket < buckets.numBuckets() - 1) {
      return buckets.bucketStart(bucket + 1);
    }
    return buckets.bucketStart(bucket);
  }

  /**
   * The percentile with linear interpolation inside the bucket where the cumulative weight
   * crosses the threshold (not VPA; used where a smooth quantile function matters).
   */
  public double interpolatedPercentile(double percentile) {
    if (isEmpty()) {
      return 0.0;
    }
    double threshold = percentile * totalWeight;
    double partialSum = 0.0;
    for (int bucket = minBucket; bucket <= maxBucket; bucket++) {
      double w = bucketWeight[bucket];
      if (partialSum + w >= threshold && w > 0) {
        double start = buckets.bucketStart(bucket);
        double end =
            bucket < buckets.numBuckets() - 1 ? buckets.bucketStart(bucket + 1) : start;
        double fraction = Math.max(0, Math.min(1, (threshold - partialSum) / w));
        return start + fraction * (end - start);
      }
      partialSum += w;
    }
    int last = maxBucket;
    return last < buckets.numBuckets() - 1 ? buckets.bucketStart(last + 1) : buckets.bucketStart(last);
  }

  public boolean isEmpty() {
    return bucketWeight[minBucket] < buckets.epsilon();
  }

  public double totalWeight() {
    return totalWeight;
  }

  /** Weight of bucket {@code bucket} (for tests and checkpoints). */
  public double bucketWeight(int bucket) {
    return bucketWeight[bucket];
  }

  public ExponentialBuckets buckets() {
    return buckets;
  }

  /** Multiplies every weight by {@code factor} ≥ 0; percentiles do not change. */
  void scale(double factor) {
    if (factor < 0) {
      throw new IllegalArgumentException("scale factor must be non-negative: " + factor);
    }
    for (int bucket = minBucket; bucket <= maxBucket; bucket++) {
      bucketWeight[bucket] *= factor;
    }
    totalWeight *= factor;
    updateMinAndMaxBucket();
  }

  private void updateMinAndMaxBucket() {
    int lastBucket = buckets.numBuckets() - 1;
    while (bucketWeight[minBucket] < buckets.epsilon() && minBucket < lastBucket) {
      minBucket++;
    }
    while (bucketWeight[maxBucket] < buckets.epsilon() && maxBucket > 0) {
      maxBucket--;
    }
  }
}
