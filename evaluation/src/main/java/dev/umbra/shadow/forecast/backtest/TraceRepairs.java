package dev.umbra.shadow.forecast.backtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link BitbrainsReader} changed to make a trace usable; all zero for a clean file.
 *
 * @param duplicates rows dropped because an earlier row of the file has the same timestamp
 * @param outOfOrder rows whose timestamp is before an earlier row's (the trace is sorted)
 * @param switchedOff rows with no provisioned CPU or memory, left out as the VM being off
 * @param malformed rows dropped because a cell is missing, not a number or negative
 * @param firstMalformed where and why the first malformed row was dropped, or empty
 */
public record TraceRepairs(int duplicates, int outOfOrder, int switchedOff, int malformed, String firstMalformed) {
  static final TraceRepairs NONE = new TraceRepairs(0, 0, 0, 0, "");

  public TraceRepairs {
    Objects.requireNonNull(firstMalformed, "firstMalformed");
    if (duplicates < 0 || outOfOrder < 0 || switchedOff < 0 || malformed < 0) {
      throw new IllegalArgumentException("negative count");
    }
  }

  public boolean isEmpty() {
    return duplicates == 0 && outOfOrder == 0 && switchedOff == 0 && malformed == 0;
  }

  /** One line for the log, e.g. {@code 3 duplicate rows dropped, 2 rows out of order sorted}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (switchedOff > 0) {
      parts.add(switchedOff + " rows with no provisioned CPU or memory left out (VM off)");
    }
    if (duplicates > 0) {
      parts.add(duplicates + " duplicate rows dropped (kept the first)");
    }
    if (outOfOrder > 0) {
      parts.add(outOfOrder + " rows out of order sorted");
    }
    if (malformed > 0) {
      parts.add(malformed + " malformed rows dropped (first: " + firstMalformed + ")");
    }
    return parts.isEmpty() ? "clean" : String.join(", ", parts);
  }
}
