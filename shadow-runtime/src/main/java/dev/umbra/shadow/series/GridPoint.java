package dev.umbra.shadow.series;

import java.util.Objects;

/**
 * One second of one series of one primary: the aggregated value of every point whose time fell
 * into {@code [epochSecond, epochSecond + 1)}.
 *
 * @param labels "" for canonical series, else "k=v,k=v" sorted by key
 */
public record GridPoint(String primaryId, SeriesName series, String labels, long epochSecond, double value) {
  public GridPoint {
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(labels, "labels");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(series + " at " + epochSecond + ": value is " + value);
    }
  }

  public boolean canonical() {
    return labels.isEmpty();
  }
}
