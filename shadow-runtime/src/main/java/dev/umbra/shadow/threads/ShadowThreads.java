package dev.umbra.shadow.threads;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one source of the shadow's threads: each is named {@code umbra-<role>-<n>} and logs what
 * escapes it, so a thread dump says who owns what.
 */
public final class ShadowThreads {
  private static final Logger logger = LoggerFactory.getLogger(ShadowThreads.class);

  private ShadowThreads() {}

  /**
   * @param role what the threads do, e.g. "grpc", "ingest"
   * @param daemon whether they let the JVM exit
   */
  public static ThreadFactory factory(String role, boolean daemon) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "umbra-" + role + "-" + count.incrementAndGet());
      thread.setDaemon(daemon);
      thread.setUncaughtExceptionHandler(
          (t, e) -> logger.error("uncaught exception in thread={}", t.getName(), e));
      return thread;
    };
  }
}
