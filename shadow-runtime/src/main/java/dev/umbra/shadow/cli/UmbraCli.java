package dev.umbra.shadow.cli;

import dev.umbra.shadow.config.ConfigException;
import java.io.PrintWriter;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The {@code umbra} command. Errors are one line on stderr: exit 2 for usage and configuration
 * errors, 1 for failures; {@code --verbose} adds the stack trace.
 */
@Command(
    name = "umbra",
    mixinStandardHelpOptions = true,
    versionProvider = UmbraCli.Version.class,
    description = "Shadows a running JVM: forecasts what it will need, provisions it ahead of time,"
        + " flags anomalies and rolls it back to known-good states.",
    subcommands = {
      ServeCommand.class,
      RunCommand.class,
      AttachCommand.class,
      PrimariesCommand.class,
      SeriesCommand.class,
      ForecastCommand.class,
      AnomaliesCommand.class,
      HeapCommand.class,
      CheckpointsCommand.class,
      DecisionsCommand.class,
      RollbackCommand.class,
      TrainCommand.class
    })
public final class UmbraCli implements Runnable {
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces and debug logs.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line, also used by tests: this jar's commands, then those of every
   * {@link CommandSource} on the class path, then {@code help}.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new UmbraCli());
    for (CommandSource source : ServiceLoader.load(CommandSource.class, UmbraCli.class.getClassLoader())) {
      source.commands().forEach(cli::addSubcommand);
    }
    cli.addSubcommand(CommandLine.HelpCommand.class);
    cli.setParameterExceptionHandler(new UsageErrors());
    cli.setExecutionExceptionHandler(new Failures());
    cli.setExitCodeExceptionMapper(e -> e instanceof ConfigException ? EXIT_USAGE : EXIT_FAILURE);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  private static final class UsageErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException e, String[] args) {
      CommandLine cli = e.getCommandLine();
      PrintWriter err = cli.getErr();
      String command = cli.getCommandSpec().qualifiedName();
      err.println("umbra: " + e.getMessage() + " (see '" + command + " --help')");
      if (isVerbose(cli)) {
        e.printStackTrace(err);
      }
      err.flush();
      return EXIT_USAGE;
    }
  }

  private static final class Failures implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
      PrintWriter err = cli.getErr();
      err.println("umbra: " + oneLine(e));
      if (isVerbose(cli)) {
        e.printStackTrace(err);
      }
      err.flush();
      return e instanceof ConfigException || e instanceof UsageException ? EXIT_USAGE : EXIT_FAILURE;
    }
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    return message.replace('\n', ' ');
  }

  private static boolean isVerbose(CommandLine cli) {
    CommandLine root = cli;
    while (root.getParent() != null) {
      root = root.getParent();
    }
    return root.<UmbraCli>getCommand().verbose;
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = UmbraCli.class.getPackage().getImplementationVersion();
      return new String[] {
        "umbra " + (version == null ? "(development build)" : version),
        "JVM: ${java.version} (${java.vendor} ${java.vm.name})"
      };
    }
  }
}
