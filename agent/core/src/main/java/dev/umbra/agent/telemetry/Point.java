package dev.umbra.agent.telemetry;

import java.util.Map;
import java.util.Objects;

/** One value of a series at a time, in the series' unit; canonical series have no labels. */
public record Point(String series, Map<String, String> labels, long timeUnixMs, double value) {
  public Point {
    Objects.requireNonNull(series, "series");
    labels = Map.copyOf(labels);
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(series + " at " + timeUnixMs + ": value is " + value);
    }
  }

  public static Point canonical(String series, long timeUnixMs, double value) {
    return new Point(series, Map.of(), timeUnixMs, value);
  }
}
