package dev.umbra.shadow.forecast.backtest;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress of a run over many VMs on stderr. On a terminal, one line redrawn with carriage
 * returns; otherwise (a log file, an unattended run) one line per step, {@code [12/57] vm 123
 * (04:10)}. {@link #note} prints a message without garbling the bar.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final boolean terminal;
  private final int total;
  private final long startNanos = System.nanoTime();
  private String drawn = "";

  /**
   * @param terminal redraw one line (stderr is a terminal) instead of printing a line per step
   */
  public ProgressBar(PrintWriter out, boolean terminal, int total) {
    this.out = out;
    this.terminal = terminal;
    this.total = total;
  }

  /** Step {@code index} (0-based) of the total starts, on {@code what}. */
  public void start(int index, String what) {
    if (terminal) {
      draw(index, what);
    } else {
      out.printf(Locale.ROOT, "[%d/%d] %s (%s)%n", index + 1, total, what, elapsed());
      out.flush();
    }
  }

  /** A message line (a skipped VM, a repaired trace). */
  public void note(String line) {
    if (terminal && !drawn.isEmpty()) {
      out.print("\r" + " ".repeat(drawn.length()) + "\r");
      out.println(line);
      out.print(drawn);
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Every step is done. */
  public void finish() {
    if (terminal) {
      draw(total, "done");
      out.println();
    } else {
      out.printf(Locale.ROOT, "[%d/%d] done (%s)%n", total, total, elapsed());
    }
    out.flush();
  }

  private void draw(int done, String what) {
    int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
    drawn = String.format(Locale.ROOT, "[%s%s] %d/%d %-24s %s", "#".repeat(filled), ".".repeat(WIDTH - filled), done,
        total, what, elapsed());
    out.print("\r" + drawn);
    out.flush();
  }

  private String elapsed() {
    long seconds = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
    return String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
  }
}
