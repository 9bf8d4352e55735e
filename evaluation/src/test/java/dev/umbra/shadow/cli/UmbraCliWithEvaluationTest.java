package dev.umbra.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code umbra} with this module on the class path: one command line, every command in one help. */
class UmbraCliWithEvaluationTest {
  private final StringWriter out = new StringWriter();

  private int run(String... args) {
    CommandLine cli = UmbraCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }

  @Test
  void addsTheEvaluationCommands_afterTheShadowsAndBeforeHelp() {
    List<String> names = List.copyOf(UmbraCli.commandLine().getSubcommands().keySet());
    assertThat(names).containsSubsequence("serve", "primaries", "demo", "backtest", "nab", "help");
    assertThat(names.get(names.size() - 1)).isEqualTo("help");
  }

  @Test
  void listsEveryCommand_inOneTopLevelHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString().lines().map(String::strip).map(l -> l.split(" ")[0]).toList())
        .contains("serve", "run", "attach", "primaries", "forecast", "anomalies", "checkpoints", "rollback",
            "demo", "backtest", "nab", "help");
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "backtest", "nab"})
  void everyEvaluationCommandHasHelp(String command) {
    assertThat(run(command, "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: umbra " + command);
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "nab"})
  void summaryIsACompleteSentence(String command) {
    var usage = UmbraCli.commandLine().getSubcommands().get(command).getCommandSpec().usageMessage();
    String summary = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
    assertThat(summary).as("summary of %s in 'umbra --help'", command).endsWith(".");
  }
}
