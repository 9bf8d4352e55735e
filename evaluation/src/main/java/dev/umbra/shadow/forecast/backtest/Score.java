package dev.umbra.shadow.forecast.backtest;

/**
 * Accumulates one row's scores over a VM's scored hours: the limit part (slack, shortage,
 * changes) and the forecast part (pinball loss of the peak quantiles, interval coverage).
 */
final class Score {
  private double sumLimit;
  private double sumSlack;
  private double sumUsage;
  private double sumShortVolume;
  private long shortSteps;
  private long steps;
  private long hours;
  private long changes;
  private long exceededHours;
  private double lastLimit = Double.NaN;
  private double pinballSum;
  private double peakSum;
  private long quantileHours;
  private long cover80;
  private long cover90;

  void limitHour(double limit, double[] usage, int from, int to) {
    hours++;
    if (!Double.isNaN(lastLimit) && Math.abs(limit - lastLimit) > 1e-9 * Math.max(1, Math.abs(lastLimit))) {
      changes++;
    }
    lastLimit = limit;
    boolean exceeded = false;
    for (int i = from; i < to; i++) {
      exceeded |= usage[i] > limit;
      double u = usage[i];
      sumLimit += limit;
      sumUsage += u;
      steps++;
      if (u > limit) {
        shortSteps++;
        sumShortVolume += u - limit;
      } else {
        sumSlack += limit - u;
      }
    }
    if (exceeded) {
      exceededHours++;
    }
  }

  /** @param q peak quantiles at {@link BacktestConfig#LEVELS} */
  void quantileHour(double actualPeak, double[] q, double pinball) {
    quantileHours++;
    pinballSum += pinball;
    peakSum += actualPeak;
    // levels 0.05, 0.1, 0.5, 0.9, 0.95, 0.99
    if (actualPeak >= q[1] && actualPeak <= q[3]) {
      cover80++;
    }
    if (actualPeak >= q[0] && actualPeak <= q[4]) {
      cover90++;
    }
  }

  long hours() {
    return hours;
  }

  long steps() {
    return steps;
  }

  double slack() {
    return sumLimit > 0 ? sumSlack / sumLimit : Double.NaN;
  }

  double shortageSteps() {
    return steps > 0 ? (double) shortSteps / steps : Double.NaN;
  }

  double shortageVolume() {
    return sumUsage > 0 ? sumShortVolume / sumUsage : 0;
  }

  /** Share of hours whose peak exceeded the limit: 1 − c for a calibrated limit at confidence c. */
  double exceedance() {
    return hours > 0 ? (double) exceededHours / hours : Double.NaN;
  }

  double changesPerDay() {
    return hours > 0 ? changes / (hours / 24.0) : Double.NaN;
  }

  /** Mean pinball loss of the peak quantiles over mean actual peak (scale-free); NaN if none. */
  double pinball() {
    return quantileHours > 0 && peakSum > 0 ? pinballSum / peakSum : Double.NaN;
  }

  double coverage80() {
    return quantileHours > 0 ? (double) cover80 / quantileHours : Double.NaN;
  }

  double coverage90() {
    return quantileHours > 0 ? (double) cover90 / quantileHours : Double.NaN;
  }
}
