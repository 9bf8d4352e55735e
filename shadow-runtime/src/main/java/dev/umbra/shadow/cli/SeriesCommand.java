package dev.umbra.shadow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code umbra series}. */
@Command(name = "series", mixinStandardHelpOptions = true, description = "Print recent points of one series of a primary.")
final class SeriesCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @picocli.CommandLine.Parameters(index = "0", paramLabel = "PRIMARY") String primary;

  @picocli.CommandLine.Parameters(index = "1", paramLabel = "SERIES", description = "e.g. cpu.process") String series;

  @picocli.CommandLine.Option(names = "--limit", defaultValue = "60", description = "Points to print (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("series");
  }
}
