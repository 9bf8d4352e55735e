package dev.umbra.shadow.series;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a series, e.g. {@code cpu.process}: lower case letters, digits, '_' and '.', at
 * most 128 characters. The canonical names are listed in {@link Canonical}.
 */
public record SeriesName(String value) implements Comparable<SeriesName> {
  private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*");

  public SeriesName {
    Objects.requireNonNull(value, "value");
    if (value.length() > 128 || !VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "'" + abbreviate(value) + "' is not a series name (lower case, dot-separated, e.g. cpu.process)");
    }
  }

  public static SeriesName of(String value) {
    return new SeriesName(value);
  }

  /** How points of this series are combined into one value per grid second. */
  public Aggregation aggregation() {
    Canonical canonical = Canonical.byName(value);
    return canonical == null ? Aggregation.LAST : canonical.aggregation();
  }

  /** The unit, e.g. "cores", "bytes", "bytes/s"; empty for a series that is not canonical. */
  public String unit() {
    Canonical canonical = Canonical.byName(value);
    return canonical == null ? "" : canonical.unit();
  }

  @Override
  public int compareTo(SeriesName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
