package dev.umbra.shadow.forecast.lstm;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Bounds the threads ND4J's native backend (OpenMP, OpenBLAS) may use. Measured on the 2-core
 * machine: a small LSTM fit ran 14× slower with 2 threads than with 1, and 2 threads would take
 * the primary's CPU. Call before the first network is built; {@code OMP_NUM_THREADS=1} in the
 * environment does the same for code that runs earlier.
 */
public final class NativeThreads {
  private NativeThreads() {}

  public static void limit(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
  }
}
