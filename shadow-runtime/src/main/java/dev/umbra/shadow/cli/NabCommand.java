package dev.umbra.shadow.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code umbra nab}: run and score the detector on the Numenta Anomaly Benchmark. */
@Command(
    name = "nab",
    mixinStandardHelpOptions = true,
    description = "Run the anomaly detector over NAB data files and score it with NAB's rules.")
final class NabCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAB_DIR")
  Path nab;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Results folder (NAB layout).")
  Path out;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("nab");
  }
}
