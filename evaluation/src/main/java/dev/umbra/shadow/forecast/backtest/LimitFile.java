package dev.umbra.shadow.forecast.backtest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CSV of {@code --emit-limits}: {@code vm,resource,model,hour_start,limit}, one row per
 * limit set. {@code hour_start} is the start of the scored period in Unix seconds (whole UTC
 * hours for the headline protocol): the limit covers the samples in [hour_start, hour_start +
 * period), the same samples the backtest scores it on (see {@link HourlyBacktest.LimitSink}).
 *
 * <p>Limits are written with 3 decimals rounded <em>up</em>, so a limit read back is never below
 * the one scored: rounded to nearest, the clairvoyant (the hour's actual peak) came out short on
 * the peak sample of ~40 % of CPU hours (3.45 % of samples) when an external tool re-scored it.
 *
 * <p>Rows are held per VM until {@link #commit()}, and a VM that fails half-way is
 * {@link #discard() discarded}, so the file only holds VMs that are in the results. Not
 * thread-safe; close it.
 */
public final class LimitFile implements HourlyBacktest.LimitSink, AutoCloseable {
  static final String HEADER = "vm,resource,model,hour_start,limit";

  private final BufferedWriter writer;
  private final StringBuilder pending = new StringBuilder();

  public LimitFile(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    writer.write(HEADER + "\n");
  }

  @Override
  public void limit(String vm, TraceResource resource, String row, long hourStartSec, double limit) {
    pending.append(vm).append(',').append(resource.key()).append(',').append(row).append(',').append(hourStartSec)
        .append(',').append(format(limit)).append('\n');
  }

  /** 3 decimals, rounded towards +infinity; NaN and infinities as Java prints them. */
  static String format(double limit) {
    if (!Double.isFinite(limit)) {
      return String.valueOf(limit);
    }
    return BigDecimal.valueOf(limit).setScale(3, RoundingMode.CEILING).toPlainString();
  }

  /** Writes the rows held since the last commit or discard. */
  public void commit() {
    try {
      writer.write(pending.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      pending.setLength(0);
    }
  }

  /** Drops the rows held since the last commit or discard. */
  public void discard() {
    pending.setLength(0);
  }

  /** Closes the file; rows not committed are dropped. */
  @Override
  public void close() throws IOException {
    pending.setLength(0);
    writer.close();
  }
}
