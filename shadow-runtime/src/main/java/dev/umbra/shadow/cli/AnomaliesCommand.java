package dev.umbra.shadow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code umbra anomalies}. */
@Command(name = "anomalies", mixinStandardHelpOptions = true, description = "List anomalies, or follow them as they are detected.")
final class AnomaliesCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @picocli.CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "PRIMARY") String primary;

  @picocli.CommandLine.Option(names = {"-f", "--follow"}, description = "Keep printing new anomalies.")
  boolean follow;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("anomalies");
  }
}
