package dev.umbra.shadow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code umbra forecast}. */
@Command(name = "forecast", mixinStandardHelpOptions = true, description = "Print the forecast of a primary's series (quantiles per step and the peak).")
final class ForecastCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @picocli.CommandLine.Parameters(index = "0", paramLabel = "PRIMARY") String primary;

  @picocli.CommandLine.Option(names = "--series", defaultValue = "cpu.process", description = "Series (default ${DEFAULT-VALUE}).")
  String series;

  @picocli.CommandLine.Option(names = "--horizon", defaultValue = "60x1s", description = "STEPSxSTEP (default ${DEFAULT-VALUE}).")
  String horizon;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("forecast");
  }
}
