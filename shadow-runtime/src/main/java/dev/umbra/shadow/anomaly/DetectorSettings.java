package dev.umbra.shadow.anomaly;

/**
 * The detector's parameters, in steps (one step is one grid second in the shadow, one row in a
 * NAB file). {@link #DEFAULT} is the one set used everywhere: in the shadow and for every NAB file.
 *
 * @param window recent values the forecast distribution is taken from
 * @param warmup values seen before any score is given
 * @param scoreWindow recent smoothed surprises the adaptive threshold is learned from
 * @param thresholdSigmas the threshold is mean + this many standard deviations of those
 * @param minThreshold the threshold never falls below this surprise (nats beyond the band)
 * @param smoothing EWMA weight of the newest surprise, in (0, 1]
 * @param relativeFloor the forecast's scale is at least this fraction of the median's size
 * @param confirmSteps how long a fresh one-step excursion may wait to tell a spike from a shift
 * @param minSuppression steps after an alarm before the same series may alarm again
 * @param clearSteps calm steps (smoothed surprise below half the threshold) that end an alarm
 * @param mergeGap steps after the last alarm during which a new alarm joins the same incident
 */
public record DetectorSettings(
    int window,
    int warmup,
    int scoreWindow,
    double thresholdSigmas,
    double minThreshold,
    double smoothing,
    double relativeFloor,
    int confirmSteps,
    int minSuppression,
    int clearSteps,
    int mergeGap) {

  public static final DetectorSettings DEFAULT =
      new DetectorSettings(120, 30, 600, 6, 3.0, 0.5, 0.05, 2, 10, 5, 5);

  /**
   * For a series observed once per garbage collection ({@code mem.heap.after_gc}): its steps are
   * collections, seconds or minutes apart, so its window, warm-up and score window count fewer of
   * them (30, 5, 60); everything else as {@link #DEFAULT} (the suppression and confirmation times
   * are in seconds, since the shadow's steps are epoch seconds).
   */
  public static final DetectorSettings PER_COLLECTION =
      new DetectorSettings(30, 5, 60, 6, 3.0, 0.5, 0.05, 2, 10, 5, 5);

  public DetectorSettings {
    if (window < 10 || warmup < 5 || warmup > window || scoreWindow < 10) {
      throw new IllegalArgumentException("window/warmup/scoreWindow too small or inconsistent");
    }
    if (!(smoothing > 0 && smoothing <= 1) || !(thresholdSigmas > 0) || !(minThreshold > 0) || !(relativeFloor >= 0)) {
      throw new IllegalArgumentException("smoothing, thresholdSigmas, minThreshold or relativeFloor out of range");
    }
    if (confirmSteps < 0 || minSuppression < 1 || clearSteps < 1 || mergeGap < 0) {
      throw new IllegalArgumentException("confirm/suppression/clear/merge steps out of range");
    }
  }
}
