package dev.umbra.shadow.forecast.backtest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The VMs a backtest run could not use and why: each is reported on one line when it is
 * skipped and listed again at the end, so that one bad file never stops an unattended run and
 * is never silently missing from the results. Not thread-safe.
 */
public final class SkippedVms {
  /** One skipped VM: its id, where it was read from (a file) and why it was skipped. */
  public record Skip(String id, String where, String reason) {
    public Skip {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(where, "where");
      Objects.requireNonNull(reason, "reason");
    }

    /** {@code vm 12 (/data/vms/12.csv.gz): empty file}. */
    public String line() {
      return "vm " + id + (where.equals(id) ? "" : " (" + where + ")") + ": " + reason;
    }
  }

  private final List<Skip> skips = new ArrayList<>();

  /** Records a skip and returns it. */
  public Skip add(String id, String where, String reason) {
    Skip s = new Skip(id, where, reason);
    skips.add(s);
    return s;
  }

  /** Records a VM whose trace or run failed with {@code e}; the reason is its message without a leading "where:". */
  public Skip add(String id, String where, Throwable e) {
    return add(id, where, reasonOf(e, where));
  }

  static String reasonOf(Throwable e, String where) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    } else if (!(e instanceof IOException)) {
      m = e.getClass().getSimpleName() + ": " + m;
    }
    if (m.startsWith(where + ": ")) {
      m = m.substring(where.length() + 2);
    }
    return m.replace('\n', ' ');
  }

  public int count() {
    return skips.size();
  }

  public List<Skip> all() {
    return List.copyOf(skips);
  }

  /** The end-of-run summary: a count line and one line per skipped VM; empty when none was skipped. */
  public List<String> summary(int total) {
    if (skips.isEmpty()) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    lines.add(skips.size() + " of " + total + " VMs skipped:");
    for (Skip s : skips) {
      lines.add("  " + s.line());
    }
    return lines;
  }
}
