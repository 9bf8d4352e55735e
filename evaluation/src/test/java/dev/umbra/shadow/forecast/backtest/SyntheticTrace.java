package dev.umbra.shadow.forecast.backtest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import java.util.function.LongToDoubleFunction;

/** Writes small Bitbrains-format traces for tests. */
final class SyntheticTrace {
  static final String HEADER = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\t"
      + "CPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\t"
      + "Disk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]";
  /** 2013-07-01T00:00:00Z, a multiple of an hour. */
  static final long T0 = 1372636800L;

  private SyntheticTrace() {}

  /**
   * @param rows 5-minute rows from {@link #T0}
   * @param skip rows to leave out (to make gaps), or null
   */
  static Path write(Path dir, String id, int rows, LongToDoubleFunction cpuMhz, LongToDoubleFunction memKb,
      java.util.function.IntPredicate skip) throws IOException {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < rows; i++) {
      if (skip != null && skip.test(i)) {
        continue;
      }
      long t = T0 + 300L * i;
      b.append(String.format(Locale.ROOT, "%d;\t2;\t4000.0;\t%.4f;\t1.0;\t8388608.0;\t%.4f;\t0.0;\t1.0;\t2.0;\t3.0%n",
          t, cpuMhz.applyAsDouble(t), memKb.applyAsDouble(t)));
    }
    Files.createDirectories(dir);
    Path file = dir.resolve(id + ".csv");
    Files.writeString(file, b.toString());
    return file;
  }

  /** One data row: {@code cores} cores of 2000 MHz (0 = switched off, as the Bitbrains files show it: no CPU, memory still provisioned), 8 GB. */
  static String row(long t, int cores, double cpuMhz, double memKb) {
    return String.format(Locale.ROOT, "%d;\t%d;\t%.1f;\t%.4f;\t1.0;\t%.1f;\t%.4f;\t0.0;\t1.0;\t2.0;\t3.0",
        t, cores, 2000.0 * cores, cpuMhz, 8388608.0, memKb);
  }

  /** Writes {@code <id>.csv.gz}: the header, then {@code rows} as given (any order). */
  static Path writeGz(Path dir, String id, List<String> rows) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(id + ".csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((HEADER + "\n" + String.join("\n", rows) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }
}
