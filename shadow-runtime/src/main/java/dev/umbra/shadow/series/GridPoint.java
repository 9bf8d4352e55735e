package dev.umbra.shadow.series;

import java.util.Objects;

/**
 * One second of one series of one primary: the aggregated value of every point whose time fell
 * into {@code [epochSecond, epochSecond + 1)}.
 *
 * @param labels "" for canonical series, else "k=v,k=v" sorted by key
 * @param partial true when it aggregates only points that arrived after the second had closed
 *     and its earlier state was gone (a resend after a restart): it fills a missing second but
 *     never replaces a value the second already has
 */
public record GridPoint(
    String primaryId, SeriesName series, String labels, long epochSecond, double value, boolean partial) {
  public GridPoint {
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(labels, "labels");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(series + " at " + epochSecond + ": value is " + value);
    }
  }

  /** A complete grid point. */
  public GridPoint(String primaryId, SeriesName series, String labels, long epochSecond, double value) {
    this(primaryId, series, labels, epochSecond, value, false);
  }

  public boolean canonical() {
    return labels.isEmpty();
  }
}
