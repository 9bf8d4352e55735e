package dev.umbra.shadow.forecast.lstm;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Bounds what ND4J's native backend (OpenMP, OpenBLAS, javacpp) may take. Measured on the 2-core
 * machine: a small LSTM fit ran 14× slower with 2 threads than with 1, and 2 threads would take
 * the primary's CPU. Call before the first network is built; {@code OMP_NUM_THREADS=1} in the
 * environment does the same for code that runs earlier.
 */
public final class NativeThreads {
  /** javacpp's off-heap cap when the launcher set none: the shadow's networks need a few MB. */
  public static final String DEFAULT_MAX_BYTES = "256m";

  private NativeThreads() {}

  public static void limit(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    org.nd4j.linalg.api.blas.Blas blas = Nd4j.factory().blas();
    if (blas != null) {
      blas.setMaxThreads(threads); // OpenBLAS's own pool, separate from OpenMP's
    }
  }

  /** Threads ND4J's own kernels may use now. */
  public static int current() {
    return Nd4j.getEnvironment().maxThreads();
  }

  /**
   * Caps javacpp's off-heap allocations (ND4J's arrays) at {@code maxBytes} unless the launcher
   * set {@code org.bytedeco.javacpp.maxbytes}; a no-op once ND4J has loaded (javacpp reads the
   * property once). Returns the cap in force.
   */
  public static String capMemory(String maxBytes) {
    String key = "org.bytedeco.javacpp.maxbytes";
    if (System.getProperty(key) == null && System.getProperty("org.bytedeco.javacpp.maxBytes") == null) {
      System.setProperty(key, maxBytes);
    }
    return System.getProperty(key, System.getProperty("org.bytedeco.javacpp.maxBytes"));
  }
}
