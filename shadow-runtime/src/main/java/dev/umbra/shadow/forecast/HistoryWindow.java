package dev.umbra.shadow.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The recent history of one series on a regular grid: {@code values[i]} is the value of the
 * step ending at {@code end - (size - 1 - i) * step}. Values are demand, in the series' unit:
 * finite and non-negative. Immutable and thread-safe; the array is copied in and out.
 *
 * <p>A series with holes must be cut at the hole by its producer (the series store): a window
 * has no missing values, so a forecaster never sees a NaN.
 */
public final class HistoryWindow {
  private final String series;
  private final Duration step;
  private final double[] values;
  private final Instant end;

  private HistoryWindow(String series, Duration step, double[] values, Instant end) {
    this.series = series;
    this.step = step;
    this.values = values;
    this.end = end;
  }

  /**
   * @param series canonical series name, e.g. {@code cpu.process}
   * @param step spacing of the grid
   * @param values oldest first; copied
   * @param end time of the last value
   * @throws IllegalArgumentException naming the first NaN, infinite or negative value
   */
  public static HistoryWindow of(String series, Duration step, double[] values, Instant end) {
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(end, "end");
    if (series.isBlank()) {
      throw new IllegalArgumentException("series name is blank");
    }
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException(series + ": step must be positive, got " + step);
    }
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!Double.isFinite(v) || v < 0) {
        throw new IllegalArgumentException(
            series + ": value " + i + " of " + values.length + " is " + v
                + " (demand must be finite and >= 0; cut the window at missing data)");
      }
    }
    return new HistoryWindow(series, step, values.clone(), end);
  }

  public String series() {
    return series;
  }

  public Duration step() {
    return step;
  }

  public Instant end() {
    return end;
  }

  public int size() {
    return values.length;
  }

  /** Value {@code i}, oldest first. */
  public double value(int i) {
    return values[i];
  }

  /** Time at which value {@code i} was observed (end of its step). */
  public Instant timeOf(int i) {
    return end.minus(step.multipliedBy(values.length - 1L - i));
  }

  /** A copy of the values, oldest first. */
  public double[] values() {
    return values.clone();
  }

  /** Span covered, {@code size * step}. */
  public Duration span() {
    return step.multipliedBy(values.length);
  }

  @Override
  public String toString() {
    return "HistoryWindow[" + series + ", " + values.length + " x " + step + ", end " + end + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HistoryWindow w
        && series.equals(w.series)
        && step.equals(w.step)
        && end.equals(w.end)
        && Arrays.equals(values, w.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(series, step, end, Arrays.hashCode(values));
  }
}
