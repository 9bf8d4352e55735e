package dev.umbra.shadow.anomaly;

import java.util.Locale;

/** Values with their unit for one-line explanations: bytes as KB/MB/GB, others with 3 significant digits. */
final class Units {
  private Units() {}

  static String format(double value, String unit) {
    if (unit.startsWith("bytes")) {
      String rest = unit.substring("bytes".length());
      double abs = Math.abs(value);
      if (abs >= 1L << 30) {
        return number(value / (1L << 30)) + " GB" + rest;
      }
      if (abs >= 1L << 20) {
        return number(value / (1L << 20)) + " MB" + rest;
      }
      if (abs >= 1L << 10) {
        return number(value / (1L << 10)) + " KB" + rest;
      }
      return number(value) + " B" + rest;
    }
    return unit.isEmpty() ? number(value) : number(value) + " " + unit;
  }

  /** "1.82–2.18 cores"; byte quantities each with their own prefix, "21.5 MB–1.2 GB". */
  static String band(double low, double high, String unit) {
    if (unit.isEmpty() || unit.startsWith("bytes")) {
      return format(low, unit) + "–" + format(high, unit);
    }
    return number(low) + "–" + number(high) + " " + unit;
  }

  private static String number(double v) {
    double abs = Math.abs(v);
    if (abs >= 100 || v == Math.rint(v) && abs < 1e6) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (abs >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (abs >= 0.01) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
