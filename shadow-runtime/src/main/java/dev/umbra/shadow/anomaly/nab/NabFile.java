package dev.umbra.shadow.anomaly.nab;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;

/**
 * One NAB data file with its label windows.
 *
 * @param category e.g. "realKnownCause"
 * @param name e.g. "nyc_taxi.csv"
 * @param timestamps row times, as written (kept for the results file)
 * @param times the same, parsed
 * @param values row values
 * @param windows anomaly windows, [start, end] inclusive
 */
public record NabFile(
    String category, String name, List<String> timestamps, List<LocalDateTime> times, double[] values,
    List<Window> windows) {
  public NabFile {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(name, "name");
    timestamps = List.copyOf(timestamps);
    times = List.copyOf(times);
    windows = List.copyOf(windows);
    if (timestamps.size() != values.length || times.size() != values.length) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for " + times.size() + " times");
    }
  }

  /** "category/name", as the label files key it. */
  public String key() {
    return category + "/" + name;
  }

  public int rows() {
    return values.length;
  }

  /** NAB's probationary period: the first min(15 % of rows, 750) rows are never scored. */
  public int probation() {
    return (int) Math.min(Math.floor(0.15 * rows()), 750);
  }

  /** An anomaly window, inclusive at both ends. */
  public record Window(LocalDateTime start, LocalDateTime end) {
    public Window {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (end.isBefore(start)) {
        throw new IllegalArgumentException("window ends " + end + " before it starts " + start);
      }
    }
  }
}
