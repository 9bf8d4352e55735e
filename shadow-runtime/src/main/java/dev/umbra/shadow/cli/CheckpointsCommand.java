package dev.umbra.shadow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code umbra checkpoints}. */
@Command(name = "checkpoints", mixinStandardHelpOptions = true, description = "List checkpoints.")
final class CheckpointsCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @picocli.CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "PRIMARY") String primary;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("checkpoints");
  }
}
