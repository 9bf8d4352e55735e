package dev.umbra.agent.sampler;

/**
 * Turns a monotonic counter into a per-second rate between two reads. The counters start at 0
 * when the agent starts, so the first read covers everything counted since then: I/O that
 * happens before the sampler's first tick is not lost. A counter that went backwards (a reset)
 * yields 0 for that interval rather than a negative rate.
 */
final class Rate {
  private long previous;

  /** The rate since the previous call (the first call: since the counter was 0). */
  double perSecond(long counter, double seconds) {
    long delta = counter - previous;
    previous = counter;
    if (delta < 0 || seconds <= 0) {
      return 0;
    }
    return delta / seconds;
  }
}
