package dev.umbra.shadow.anomaly;

import java.util.Objects;

/**
 * What the detector of one series knows about it besides its values.
 *
 * @param unit printed in explanations ("" for none)
 * @param absoluteFloor the smallest change of this series that matters, in its unit (0: none)
 * @param nature how the series behaves; decides which surprises and kinds apply
 */
public record SeriesTraits(String unit, double absoluteFloor, Nature nature) {
  /** How a series behaves. */
  public enum Nature {
    /**
     * A level that may hold still (memory, a thread count): a run of identical values is not
     * surprising; it can trend (a leak).
     */
    LEVEL,
    /**
     * A rate (CPU, bytes/s, ops/s, GC ms/s): a run of identical values is surprising; a value above
     * the band first repays what the series fell short of its median in the last few steps (a
     * starved fixed-rate task catching up is not a burst); it does not trend: a rate that ramps is
     * reported as the level shift it reaches.
     */
    RATE,
    /**
     * Nothing known (a NAB file, a series that is not canonical): a run of identical values is
     * surprising, it can trend, no repayment.
     */
    GENERIC;

    boolean freezing() {
      return this != LEVEL;
    }

    boolean trends() {
      return this != RATE;
    }

    boolean repays() {
      return this == RATE;
    }
  }

  public SeriesTraits {
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(nature, "nature");
    if (!(absoluteFloor >= 0)) {
      throw new IllegalArgumentException("absoluteFloor " + absoluteFloor + " is negative");
    }
  }
}
