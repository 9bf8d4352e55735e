package dev.umbra.shadow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code umbra primaries}. */
@Command(name = "primaries", mixinStandardHelpOptions = true, description = "List the primaries a shadow serves.")
final class PrimariesCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @picocli.CommandLine.Option(names = "--all", description = "Include primaries that are gone.")
  boolean all;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("primaries");
  }
}
