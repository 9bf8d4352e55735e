package dev.umbra.shadow.anomaly.nab;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One NAB data file with its label windows, every row in row order.
 *
 * @param category e.g. "realKnownCause"
 * @param name e.g. "nyc_taxi.csv"
 * @param timestamps row times, as written (kept for the results file)
 * @param times the same, parsed; {@link LocalDateTime#MIN} where a row's timestamp is not a time
 * @param values row values; {@code NaN} where a row's value is empty, not a number or not finite
 * @param windows anomaly windows, [start, end] inclusive
 * @param oddities what was odd about the rows (repeated or backward times, bad times or values)
 */
public record NabFile(
    String category, String name, List<String> timestamps, List<LocalDateTime> times, double[] values,
    List<Window> windows, Oddities oddities) {
  public NabFile {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(oddities, "oddities");
    timestamps = List.copyOf(timestamps);
    times = List.copyOf(times);
    windows = List.copyOf(windows);
    if (timestamps.size() != values.length || times.size() != values.length) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for " + times.size() + " times");
    }
  }

  /** A file with nothing odd about its rows. */
  public NabFile(
      String category, String name, List<String> timestamps, List<LocalDateTime> times, double[] values,
      List<Window> windows) {
    this(category, name, timestamps, times, values, windows, Oddities.NONE);
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

  /**
   * Rows that were odd, each kind with its count and first line (1 is the header). They are all
   * scored; this is what the run reports about them.
   */
  public record Oddities(int notAfter, int firstNotAfter, int badTimes, int firstBadTime, int badValues, int firstBadValue) {
    public static final Oddities NONE = new Oddities(0, 0, 0, 0, 0, 0);

    public boolean any() {
      return notAfter + badTimes + badValues > 0;
    }

    /** One line saying what was odd, or empty when nothing was. */
    public Optional<String> describe() {
      List<String> parts = new ArrayList<>();
      if (notAfter > 0) {
        parts.add(notAfter + (notAfter == 1 ? " row repeats or goes back in time" : " rows repeat or go back in time")
            + " (first at line " + firstNotAfter + ")");
      }
      if (badTimes > 0) {
        parts.add(badTimes + (badTimes == 1 ? " timestamp is" : " timestamps are") + " not yyyy-MM-dd HH:mm:ss"
            + " (first at line " + firstBadTime + ")");
      }
      if (badValues > 0) {
        parts.add(badValues + (badValues == 1 ? " value is" : " values are") + " empty, not a number or not finite"
            + " (first at line " + firstBadValue + ")");
      }
      return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts) + "; every row scored in row order");
    }

    /** Counts oddities while a file is read. */
    static final class Counter {
      private int notAfter;
      private int firstNotAfter;
      private int badTimes;
      private int firstBadTime;
      private int badValues;
      private int firstBadValue;

      void notAfter(int line) {
        if (notAfter++ == 0) {
          firstNotAfter = line;
        }
      }

      void badTime(int line) {
        if (badTimes++ == 0) {
          firstBadTime = line;
        }
      }

      void badValue(int line) {
        if (badValues++ == 0) {
          firstBadValue = line;
        }
      }

      Oddities done() {
        return new Oddities(notAfter, firstNotAfter, badTimes, firstBadTime, badValues, firstBadValue);
      }
    }
  }
}
