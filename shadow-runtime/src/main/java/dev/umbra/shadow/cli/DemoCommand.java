package dev.umbra.shadow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code umbra demo}: the whole system on a bundled workload. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start a shadow and a demo primary with phases (warm-up, rising CPU and memory, I/O,",
      "an injected fault and its rollback), show a live view, then a summary."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "2m", description = "How long to run (default ${DEFAULT-VALUE}).")
  String duration;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("demo");
  }
}
