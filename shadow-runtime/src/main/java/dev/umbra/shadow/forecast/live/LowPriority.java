package dev.umbra.shadow.forecast.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes the calling thread yield the CPU to everything else: Java's lowest priority (ignored by
 * HotSpot on Linux by default) and, on Linux, nice 19 for this thread alone ({@code renice} on its
 * thread id; nice is per thread there). ND4J runs its kernels on the calling thread once limited
 * to one thread, so the niceness covers training too.
 */
final class LowPriority {
  static final int NICE = 19;

  private LowPriority() {}

  /** Applies it; returns the thread's nice value afterwards, or {@code Integer.MIN_VALUE} if unknown. */
  static int applyToCurrentThread() {
    Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
    String tid = threadId();
    if (tid == null) {
      return Integer.MIN_VALUE;
    }
    try {
      Process p = new ProcessBuilder("renice", "-n", Integer.toString(NICE), "-p", tid)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      // no renice here: the Java priority is all we can do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return currentNice();
  }

  /** The calling thread's nice value (Linux), or {@code Integer.MIN_VALUE}. */
  static int currentNice() {
    try {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(after[16]); // field 19 of stat; fields after comm start at 3
    } catch (IOException | RuntimeException e) {
      return Integer.MIN_VALUE;
    }
  }

  private static String threadId() {
    try {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      return stat.substring(0, stat.indexOf(' '));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
