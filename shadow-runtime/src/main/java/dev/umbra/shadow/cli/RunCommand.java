package dev.umbra.shadow.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code umbra run}: supervise a primary. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Supervise a primary: start a shadow, inject the agent, put the primary in its own cgroup,",
      "checkpoint it and roll it back. Exit code and signals are passed through.",
      "Example: umbra run --cpu 1.5 --memory 512m -- java -jar app.jar"
    })
final class RunCommand implements Callable<Integer> {
  @Option(names = "--cpu", paramLabel = "CORES", description = "Initial CPU limit of the primary's cgroup.")
  String cpu;

  @Option(names = "--memory", paramLabel = "SIZE", description = "Initial memory limit of the primary's cgroup (e.g. 512m).")
  String memory;

  @Option(names = "--checkpoint-every", paramLabel = "DURATION", description = "Checkpoint period (e.g. 30s).")
  String checkpointEvery;

  @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto", description = "Checkpoint engine: auto, app, crac, restart (default ${DEFAULT-VALUE}).")
  String engine;

  @Option(names = "--shadow", paramLabel = "HOST:PORT|spawn", defaultValue = "spawn", description = "Use this shadow, or spawn one (default ${DEFAULT-VALUE}).")
  String shadow;

  @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The primary's command line, after --.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    throw new NotAvailableException("run");
  }
}
