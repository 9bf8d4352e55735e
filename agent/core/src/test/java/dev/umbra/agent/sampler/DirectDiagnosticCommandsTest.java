package dev.umbra.agent.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DirectDiagnosticCommandsTest {

  /** Runs one command first thing in a fresh JVM: nothing has loaded libmanagement_ext yet. */
  public static final class FirstCommand {
    public static void main(String[] args) throws Exception {
      System.out.println(DirectDiagnosticCommands.find().orElseThrow().execute("VM.version"));
    }
  }

  @Test
  void runsACommand_beforeAnyManagementBeanWasRead() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens", "jdk.management/" + DirectDiagnosticCommands.PACKAGE + "=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), FirstCommand.class.getName())
        .redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("VM version");
  }
}
