package dev.umbra.agent.sampler;

/**
 * Turns a monotonic counter into a per-second rate between two reads. A counter that went
 * backwards (a reset) yields 0 for that interval rather than a negative rate.
 */
final class Rate {
  private long previous;
  private boolean started;

  /** The rate since the previous call; 0 on the first. */
  double perSecond(long counter, double seconds) {
    long delta = counter - previous;
    boolean first = !started;
    previous = counter;
    started = true;
    if (first || delta < 0 || seconds <= 0) {
      return 0;
    }
    return delta / seconds;
  }
}
