package dev.umbra.shadow.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/** Runs the {@code umbra} command line in-process against a shadow whose data folder holds its credential files. */
final class CliRun {
  private final Path data;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  CliRun(Path data) {
    this.data = data;
  }

  /** {@code umbra args... --data DATA}; returns the exit code, output in {@link #out} and {@link #err}. */
  int run(String... args) {
    CommandLine cli = UmbraCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] withCredentials = Arrays.copyOf(args, args.length + 2);
    withCredentials[args.length] = "--data";
    withCredentials[args.length + 1] = data.toString();
    return cli.execute(withCredentials);
  }
}
