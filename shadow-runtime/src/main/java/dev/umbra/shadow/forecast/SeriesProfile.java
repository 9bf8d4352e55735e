package dev.umbra.shadow.forecast;

import java.util.Objects;

/**
 * What kind of resource a series measures and how its unit relates to the baselines' base
 * units (cores for CPU, bytes for memory, the series' own unit otherwise).
 *
 * @param kind the resource
 * @param baseUnitsPerUnit multiply a series value by this to get base units: 1 for
 *     {@code cpu.process} (cores) and {@code mem.rss} (bytes); 1/MHz-per-core for a trace's CPU MHz;
 *     1024 for a trace's KB
 * @param requestBase the current request in base units (VPA weights CPU samples by it), 0 if
 *     unknown
 */
public record SeriesProfile(ResourceKind kind, double baseUnitsPerUnit, double requestBase) {
  /** The kinds of resource the baselines treat differently. */
  public enum ResourceKind {
    CPU,
    MEMORY,
    OTHER
  }

  public SeriesProfile {
    Objects.requireNonNull(kind, "kind");
    if (!(baseUnitsPerUnit > 0) || !Double.isFinite(baseUnitsPerUnit)) {
      throw new IllegalArgumentException("baseUnitsPerUnit must be finite and > 0: " + baseUnitsPerUnit);
    }
    if (!(requestBase >= 0) || !Double.isFinite(requestBase)) {
      throw new IllegalArgumentException("requestBase must be finite and >= 0: " + requestBase);
    }
  }

  /** The profile of a canonical series name ({@code cpu.*} cores, {@code mem.*} bytes). */
  public static SeriesProfile ofCanonical(String series) {
    if (series.startsWith("cpu.")) {
      return new SeriesProfile(ResourceKind.CPU, 1, 0);
    }
    if (series.startsWith("mem.")) {
      return new SeriesProfile(ResourceKind.MEMORY, 1, 0);
    }
    return new SeriesProfile(ResourceKind.OTHER, 1, 0);
  }

  /**
   * The smallest level worth distinguishing, in the series' unit: VPA's first bucket (0.01 core,
   * 10 MB), or 1 KB/s-equivalent (1024 base units) for other series.
   */
  public double floor() {
    double base =
        switch (kind) {
          case CPU -> 0.01;
          case MEMORY -> 1e7;
          case OTHER -> 1024;
        };
    return base / baseUnitsPerUnit;
  }
}
