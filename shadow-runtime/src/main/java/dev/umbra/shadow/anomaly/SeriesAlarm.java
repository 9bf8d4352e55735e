package dev.umbra.shadow.anomaly;

import java.util.Objects;

/**
 * One series' alarm, as {@link SeriesDetector} reports it.
 *
 * @param onsetStep when the excursion that caused it began
 * @param decidedStep the newest step the decision used
 * @param score 0..1, 0.5 at the adaptive threshold
 * @param observed the most surprising value of the excursion
 * @param expectedLow lower end of the expected band at that value
 * @param expectedHigh upper end of the expected band at that value
 */
public record SeriesAlarm(
    String series,
    Kind kind,
    long onsetStep,
    long decidedStep,
    double score,
    double observed,
    double expectedLow,
    double expectedHigh,
    String explanation) {
  public SeriesAlarm {
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(explanation, "explanation");
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score " + score + " is not in [0,1]");
    }
    if (onsetStep > decidedStep) {
      throw new IllegalArgumentException("onset " + onsetStep + " after decision " + decidedStep);
    }
  }

  /** The alarm as the {@link IncidentGate} publishes it: decided no earlier than {@code step}, with the surprise score. */
  SeriesAlarm confirmed(long step, double surpriseScore) {
    return new SeriesAlarm(series, kind, onsetStep, Math.max(decidedStep, step), surpriseScore, observed, expectedLow,
        expectedHigh, explanation);
  }
}
