package dev.umbra.shadow.series;

import java.util.Arrays;
import java.util.Objects;

/**
 * Consecutive grid seconds of one series: value {@code i} belongs to second
 * {@code firstSecond + i}; a second with no data is NaN.
 */
public record SeriesWindow(SeriesName series, long firstSecond, double[] values) {
  public SeriesWindow {
    Objects.requireNonNull(series, "series");
    values = values.clone();
  }

  public int size() {
    return values.length;
  }

  /** Exclusive end: the second after the last one. */
  public long endSecond() {
    return firstSecond + values.length;
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  public double value(int i) {
    return values[i];
  }

  /** Number of seconds that have a value. */
  public int present() {
    int n = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SeriesWindow w
        && w.series.equals(series)
        && w.firstSecond == firstSecond
        && Arrays.equals(w.values, values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(series, firstSecond, Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return "SeriesWindow[" + series + " " + firstSecond + "+" + values.length + "s]";
  }
}
