package dev.umbra.shadow.series;

/** How the points that fall into one grid second become that second's value. */
public enum Aggregation {
  /** Rates and loads (bytes/s, cores, ms/s): the mean of the points. */
  MEAN,
  /** Gauges (bytes in use, live threads): the last point. */
  LAST,
  /** Peaks: the largest point. */
  MAX,
  /** Per-interval counts: the sum of the points. */
  SUM
}
