package dev.umbra.shadow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code umbra attach}: load the agent into a running JVM. */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    description = {
      "Load the Umbra agent into a running JVM through the Attach API.",
      "Example: umbra attach 12345 shadow=127.0.0.1:7070,criticality=high"
    })
final class AttachCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PID", description = "Process id of the JVM.")
  long pid;

  @Parameters(index = "1", arity = "0..1", paramLabel = "OPTIONS", description = "Agent options, as after -javaagent:umbra-agent.jar=")
  String options;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("attach");
  }
}
