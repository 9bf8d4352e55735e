package dev.umbra.shadow.forecast.baseline;

/**
 * VPA's exponential bucketing ({@code histogram_options.go}): bucket 0 covers
 * [0, firstBucketSize); bucket n ≥ 1 starts at {@code firstBucketSize·(ratio^n − 1)/(ratio − 1)},
 * so each bucket is {@code ratio} times wider than the one before; the last bucket start is
 * ≥ maxValue and the last bucket has no upper bound. A bucket is empty when its weight is below
 * {@code epsilon}.
 */
public record ExponentialBuckets(double maxValue, double firstBucketSize, double ratio, double epsilon) {
  /** VPA's CPU layout, in cores: 0.01 core first bucket, +5 % per bucket, up to 1000 cores. */
  public static final ExponentialBuckets VPA_CPU_CORES = new ExponentialBuckets(1000.0, 0.01, 1.05, 0.0001);

  /** VPA's memory layout, in bytes: 10 MB first bucket, +5 % per bucket, up to 1 TB. */
  public static final ExponentialBuckets VPA_MEMORY_BYTES = new ExponentialBuckets(1e12, 1e7, 1.05, 0.0001);

  public ExponentialBuckets {
    if (!(maxValue > 0) || !(firstBucketSize > 0) || !(ratio > 1) || !(epsilon > 0)) {
      throw new IllegalArgumentException(
          "maxValue, firstBucketSize and epsilon must be > 0 and ratio > 1: " + maxValue + ", "
              + firstBucketSize + ", " + ratio + ", " + epsilon);
    }
  }

  public int numBuckets() {
    return (int) Math.ceil(log(ratio, maxValue * (ratio - 1) / firstBucketSize + 1)) + 1;
  }

  /** Index of the bucket holding {@code value}; values outside the range go to the first or last. */
  public int findBucket(double value) {
    if (value < firstBucketSize) {
      return 0;
    }
    int bucket = (int) log(ratio, value * (ratio - 1) / firstBucketSize + 1);
    return Math.min(bucket, numBuckets() - 1);
  }

  /** Start of bucket {@code bucket}. */
  public double bucketStart(int bucket) {
    if (bucket < 0 || bucket >= numBuckets()) {
      throw new IndexOutOfBoundsException("bucket " + bucket + " out of [0.." + (numBuckets() - 1) + "]");
    }
    if (bucket == 0) {
      return 0.0;
    }
    return firstBucketSize * (Math.pow(ratio, bucket) - 1) / (ratio - 1);
  }

  private static double log(double base, double x) {
    return Math.log(x) / Math.log(base);
  }
}
