package dev.umbra.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DecisionsCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = UmbraCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void hasHelp_andIsListed() {
    assertThat(run("decisions", "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: umbra decisions").contains("--changes");
  }

  @Test
  void refusesALimitBelowOne_withOneLineAndExit2() {
    assertThat(run("decisions", "--limit", "0")).isEqualTo(2);
    assertThat(err.toString().lines().toList()).containsExactly("umbra: --limit: 0 must be at least 1");
  }

  @Test
  void saysWhenTheShadowCannotBeReached_withExit1() {
    assertThat(run("decisions", "--shadow", "127.0.0.1:1")).isEqualTo(1);
    assertThat(err.toString()).startsWith("umbra: cannot reach the shadow at 127.0.0.1:1");
  }
}
