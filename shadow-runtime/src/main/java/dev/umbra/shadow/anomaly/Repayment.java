package dev.umbra.shadow.anomaly;

import java.util.ArrayDeque;

/**
 * The shortfall of a rate series below its median over the last {@link #STEPS} steps, and what a
 * value above the median repays of it. A fixed-rate task whose threads were starved for a second
 * runs the missed executions as soon as it gets the CPU again: its I/O or CPU rate dips, then
 * bursts by as much. Judged over the few seconds both lie in, nothing happened; judged second by
 * second, the burst looks like a spike (the fault IT's quiet primary: {@code io.disk.write} at
 * 1.5–1.9× its usual rate for a second after a starved one). So a value above the median counts
 * only with what is left after repaying the shortfall, oldest first; a shortfall older than
 * {@link #STEPS} steps is forgiven (not repaid). Values below the median are judged as they are:
 * a dip or a stall is seen at once.
 *
 * <p>Streaming: uses only the values so far. Not thread-safe: part of one {@link SeriesDetector}.
 */
final class Repayment {
  /** How many steps back a shortfall can be repaid. */
  static final int STEPS = 5;

  /** {step, amount} of the unrepaid shortfalls (rate × steps), oldest first. */
  private final ArrayDeque<double[]> owed = new ArrayDeque<>();
  private long lastStep = Long.MIN_VALUE;

  /**
   * Records {@code value} at {@code step} against {@code median}. A value after a gap of steps
   * is the rate over the whole gap (an agent whose sampler was starved for a second reports the
   * rate over two), so its shortfall or excess counts once per step it covers.
   *
   * @return the value to judge: {@code value} itself when at or below the median, else the median
   *     plus what is left of the excess (per step) after repaying recent shortfalls
   */
  double judge(long step, double value, double median) {
    long span = lastStep == Long.MIN_VALUE ? 1 : Math.max(1, Math.min(STEPS, step - lastStep));
    lastStep = step;
    while (!owed.isEmpty() && owed.peekFirst()[0] <= step - STEPS) {
      owed.pollFirst();
    }
    if (value <= median) {
      if (value < median) {
        owed.addLast(new double[] {step, (median - value) * span});
      }
      return value;
    }
    double excess = (value - median) * span;
    while (excess > 0 && !owed.isEmpty()) {
      double[] oldest = owed.peekFirst();
      double paid = Math.min(excess, oldest[1]);
      excess -= paid;
      oldest[1] -= paid;
      if (oldest[1] <= 0) {
        owed.pollFirst();
      }
    }
    return median + excess / span;
  }
}
