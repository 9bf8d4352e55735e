package dev.umbra.shadow.forecast.backtest;

import java.io.PrintStream;
import java.time.Duration;

/** A one-line progress bar redrawn with carriage returns; silent when disabled (not a TTY). */
public final class ProgressBar {
  private final PrintStream out;
  private final boolean enabled;
  private final int total;
  private final long startNanos = System.nanoTime();

  public ProgressBar(PrintStream out, boolean enabled, int total) {
    this.out = out;
    this.enabled = enabled;
    this.total = total;
  }

  public void update(int done, String what) {
    if (!enabled) {
      return;
    }
    int width = 30;
    int filled = total == 0 ? width : (int) ((long) width * done / total);
    long seconds = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
    out.printf("\r[%s%s] %d/%d %-24s %02d:%02d", "#".repeat(filled), ".".repeat(width - filled), done, total,
        what, seconds / 60, seconds % 60);
    out.flush();
  }

  public void finish() {
    if (enabled) {
      out.println();
      out.flush();
    }
  }
}
