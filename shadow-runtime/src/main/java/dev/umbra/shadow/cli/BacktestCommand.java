package dev.umbra.shadow.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code umbra backtest}: score forecasters on recorded traces. */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = "Backtest the forecasters on traces (e.g. ../shared/data/bitbrains-rnd) with a rolling origin.")
final class BacktestCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "TRACE_DIR")
  Path traces;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("backtest");
  }
}
