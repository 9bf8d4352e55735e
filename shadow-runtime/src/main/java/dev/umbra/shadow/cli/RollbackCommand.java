package dev.umbra.shadow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code umbra rollback}. */
@Command(name = "rollback", mixinStandardHelpOptions = true, description = "Roll a primary back to a checkpoint (default: the last known-good one).")
final class RollbackCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @picocli.CommandLine.Parameters(index = "0", paramLabel = "PRIMARY") String primary;

  @picocli.CommandLine.Option(names = "--to", paramLabel = "CHECKPOINT", description = "Checkpoint id.")
  String checkpoint;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("rollback");
  }
}
