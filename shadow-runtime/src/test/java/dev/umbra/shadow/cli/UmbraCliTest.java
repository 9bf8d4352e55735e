package dev.umbra.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.cgroup.CgroupManager;
import dev.umbra.shadow.Shadow;
import dev.umbra.shadow.config.ShadowConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class UmbraCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = UmbraCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "serve", "run", "attach", "primaries", "series", "forecast", "anomalies",
        "checkpoints", "rollback"
      })
  void everyCommandHasHelp(String command) {
    assertThat(run(command, "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: umbra " + command);
  }

  @Test
  void listsEveryCommand_inTheTopLevelHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("serve", "run", "attach", "primaries", "forecast", "anomalies",
            "checkpoints", "rollback");
  }

  /** demo, backtest and nab are the evaluation module's (its UmbraCliWithEvaluationTest lists them). */
  @Test
  void carriesNoEvaluationCommand_withoutTheEvaluationJar() {
    assertThat(UmbraCli.commandLine().getSubcommands()).doesNotContainKeys("demo", "backtest", "nab").containsKey("help");
    assertThat(run("demo")).isEqualTo(2);
    assertThat(err.toString()).startsWith("umbra: Unmatched argument at index 0: 'demo'");
  }

  @Test
  void everyCommandSummary_isACompleteSentence() {
    Map<String, CommandLine> commands = UmbraCli.commandLine().getSubcommands();
    for (var command : commands.entrySet()) {
      var usage = command.getValue().getCommandSpec().usageMessage();
      String summary = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
      assertThat(summary).as("summary of %s in 'umbra --help'", command.getKey()).endsWith(".");
    }
  }

  @Test
  void rejectsAnUnknownCommand_withOneLineAndExit2() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString().lines().toList())
        .containsExactly("umbra: Unmatched argument at index 0: 'frobnicate' (see 'umbra --help')");
  }

  @Test
  void rejectsNoCommand_withExit2() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).startsWith("umbra: a command is required");
  }

  @Test
  void rejectsABadPort_withExit2() {
    assertThat(run("serve", "--port", "http")).isEqualTo(2);
    assertThat(err.toString().lines().toList())
        .containsExactly("umbra: port: 'http' is not a port (0..65535)");
  }

  @Test
  void rejectsAnUnreadableConfigFile_withExit2() {
    assertThat(run("serve", "--config", "/nonexistent/umbra.properties")).isEqualTo(2);
    assertThat(err.toString().lines().toList())
        .containsExactly("umbra: cannot read config file /nonexistent/umbra.properties: no such file");
  }

  @TempDir Path data;

  @Test
  void reportsAPortInUse_withOneLineAndExit1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThat(run("serve", "--port", String.valueOf(port), "--http-port", "0", "--data", data.toString())).isEqualTo(1);
      List<String> lines = err.toString().lines().toList();
      assertThat(lines)
          .containsExactly("umbra: cannot listen on 127.0.0.1:" + port + ": address already in use");
    }
  }

  @Test
  void printsAStackTrace_onlyWithVerbose() {
    assertThat(run("--verbose", "serve", "--config", "/nonexistent")).isEqualTo(2);
    assertThat(err.toString()).contains("at dev.umbra.shadow.config.ConfigParser");
  }

  @Nested
  class RunOptions {
    static Stream<Arguments> badOptions() {
      return Stream.of(
          Arguments.of(List.of("--port", "99999"), "--port: 99999 is not a port (0..65535)"),
          Arguments.of(List.of("--port", "-1"), "--port: -1 is not a port (0..65535)"),
          Arguments.of(List.of("--cpu", "abc"), "--cpu: 'abc' is not a positive number of cores (e.g. 2, 1.5, 0.25)"),
          Arguments.of(List.of("--cpu", "0"), "--cpu: '0' is not a positive number of cores (e.g. 2, 1.5, 0.25)"),
          Arguments.of(List.of("--cpu", "Infinity"), "--cpu: 'Infinity' is not a positive number of cores (e.g. 2, 1.5, 0.25)"),
          Arguments.of(List.of("--memory", "lots"), "--memory: 'lots' is not a size (e.g. 1048576, 512k, 512m, 1.5g)"),
          Arguments.of(List.of("--memory", "0"), "--memory: '0' is not a positive size (e.g. 1048576, 512k, 512m, 1.5g)"),
          Arguments.of(List.of("--checkpoint-every", "often"), "--checkpoint-every: 'often' is not a duration (e.g. 500ms, 30s, 5m, PT30S)"),
          Arguments.of(List.of("--checkpoint-every", "0s"), "--checkpoint-every: '0s' is not a positive duration (e.g. 30s, 5m, or none)"),
          Arguments.of(List.of("--checkpoint-quiet", "PT-5S"), "--checkpoint-quiet: 'PT-5S' is negative (e.g. 500ms, 30s, 5m, PT30S)"),
          Arguments.of(List.of("--rollback-cooldown", "soon"), "--rollback-cooldown: 'soon' is not a duration (e.g. 500ms, 30s, 5m, PT30S)"),
          Arguments.of(List.of("--rollback-min-score", "1.5"), "--rollback-min-score: 1.5 is not a score in 0..1"),
          Arguments.of(List.of("--engine", "criu"), "--engine: 'criu' is not auto, app, crac or restart"),
          Arguments.of(List.of("--manage", "always"), "--manage: 'always' is not off, recommend, auto, true or false"));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void aBadOption_isOneUsageLine_andNothingIsCreated(List<String> option, String message) {
      List<String> args = new ArrayList<>(List.of("run"));
      args.addAll(option);
      args.addAll(List.of("--", "java", "-version"));

      assertThat(run(args.toArray(String[]::new))).isEqualTo(2);

      assertThat(err.toString().lines().toList()).containsExactly("umbra: " + message);
      assertThat(runCgroupLeftBehind()).isFalse();
    }

    @Test
    void anEmptyPrimaryCommand_isAUsageError() {
      assertThat(run("run", "--cpu", "1", "--", "bash")).isEqualTo(2);
      assertThat(err.toString().lines().toList()).hasSize(1);
      assertThat(err.toString()).startsWith("umbra: the primary's command must start with a java executable");
    }

    @Test
    void theCracEngine_onAJdkWithoutCrac_failsUpFrontWithOneLine_andNothingIsCreated() {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

      assertThat(run("run", "--engine", "crac", "--", java, "-version")).isEqualTo(1);

      assertThat(err.toString().lines().toList()).containsExactly("umbra: --engine crac: " + java
          + " is not a CRaC JDK (it refuses -XX:CRaCCheckpointTo): run the primary with a CRaC-enabled JDK,"
          + " or use --engine app or restart");
      assertThat(runCgroupLeftBehind()).isFalse();
    }

    /** Whether umbra run left its cgroup ({@code umbra-run-<pid>}) behind; false where cgroups cannot be made. */
    private boolean runCgroupLeftBehind() {
      CgroupManager cgroups;
      try {
        cgroups = CgroupManager.detect();
      } catch (AllocatorException e) {
        return false;
      }
      try {
        cgroups.remove(cgroups.create("run-" + ProcessHandle.current().pid()));
        return false;
      } catch (AllocatorException e) {
        return String.valueOf(e.getMessage()).contains("already exists");
      }
    }
  }

  @Nested
  class ServeOptions {
    @ParameterizedTest
    @ValueSource(strings = {
      "--cpu=abc|umbra: cpu: 'abc' is not a positive number of cores (e.g. 2, 1.5, 0.25)",
      "--memory=0|umbra: memory: '0' is not a positive size (e.g. 1048576, 512k, 512m, 1.5g)",
      "--exit-when-idle=0s|umbra: exit-when-idle: '0s' is not a positive duration (e.g. 500ms, 30s, 5m, PT30S)",
      "--checkpoint-every=often|umbra: checkpoint-every: 'often' is not a duration (e.g. 500ms, 30s, 5m, PT30S)",
      "--kafka-buffer=lots|umbra: kafka-buffer: 'lots' is not a size (e.g. 1048576, 512k, 512m, 1.5g)",
      "--kafka-batch=1x|umbra: kafka-batch: '1x' is not a duration (e.g. 500ms, 30s, 5m, PT30S)",
      "--http-port=99999|umbra: http-port: '99999' is not a port (0..65535)"
    })
    void aBadValue_isOneUsageLine_namingKeyAndValue(String optionAndLine) {
      String[] parts = optionAndLine.split("\\|");
      assertThat(run("serve", parts[0], "--data", data.toString())).isEqualTo(2);
      assertThat(err.toString().lines().toList()).containsExactly(parts[1]);
    }

    @Test
    void aBadActionRule_isOneUsageLine_namingKeyAndRule() throws Exception {
      Path config = data.resolve("umbra.properties");
      Files.writeString(config, "act-rules = cpu.process=grow\n");

      assertThat(run("serve", "--act", "--config", config.toString(), "--data", data.toString())).isEqualTo(2);

      assertThat(err.toString().lines().toList())
          .containsExactly("umbra: act-rules: 'cpu.process=grow': 'grow' is not alert, scale-up or rollback");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 100_000})
    void anUnusableHistoryFile_stopsTheShadow_sayingWhatToDo(int garbageBytes) throws Exception {
      Path history = data.resolve("history.duckdb");
      Files.write(history, new byte[garbageBytes]);

      // --exit-when-idle: were the file accepted, the shadow would stop by itself
      assertThat(run("serve", "--port", "0", "--http-port", "0", "--data", data.toString(), "--exit-when-idle", "1s"))
          .isEqualTo(1);

      assertThat(err.toString().lines().toList()).containsExactly("umbra: " + history + " is not a usable history"
          + " file (not a DuckDB database): move it away to keep it, or delete it to start with empty history");
    }
  }

  @Nested
  class UnreachableShadow {
    private final List<LogRecord> grpcLogs = new ArrayList<>();
    private final Logger grpcLogger = Logger.getLogger("io.grpc");
    private final Handler recorder = new Handler() {
      @Override
      public void publish(LogRecord record) {
        grpcLogs.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };

    @BeforeEach
    void recordGrpcLogs() {
      grpcLogger.addHandler(recorder);
    }

    @AfterEach
    void stopRecording() {
      grpcLogger.removeHandler(recorder);
    }

    @ParameterizedTest
    @ValueSource(strings = {
      "primaries", "series p cpu.process", "forecast p", "anomalies", "checkpoints", "decisions", "rollback p"
    })
    void everyClientCommand_failsWithOneLine_andExit1_whenTheHostDoesNotResolve(String command) {
      List<String> args = new ArrayList<>(List.of(command.split(" ")));
      args.addAll(List.of("--shadow", "no.such.host.invalid:1234"));

      assertThat(run(args.toArray(String[]::new))).isEqualTo(1);

      assertThat(err.toString().lines().toList())
          .containsExactly("umbra: cannot reach the shadow at no.such.host.invalid:1234: Unable to resolve host no.such.host.invalid");
      assertThat(grpcLogs).as("gRPC's own log records").noneMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue());
    }

    @Test
    void saysTheConnectionWasRefused() throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      assertThat(run("primaries", "--shadow", "127.0.0.1:" + port)).isEqualTo(1);
      assertThat(err.toString().lines().toList())
          .containsExactly("umbra: cannot reach the shadow at 127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void printsTheCause_withVerbose() {
      assertThat(run("--verbose", "primaries", "--shadow", "no.such.host.invalid:1234")).isEqualTo(1);
      assertThat(err.toString()).contains("UnknownHostException");
    }
  }

  @Nested
  class ClientCommands {
    @TempDir Path data;
    private Shadow shadow;
    private String target;

    @BeforeEach
    void startShadow() throws Exception {
      shadow =
          Shadow.start(
              ShadowConfig.of(
                  new ShadowConfig.Endpoint("127.0.0.1", 0), new ShadowConfig.Endpoint("127.0.0.1", 0), data),
              Clock.systemUTC());
      target = "127.0.0.1:" + shadow.grpcAddress().getPort();
    }

    @AfterEach
    void stopShadow() {
      shadow.close();
    }

    @Test
    void primariesPrintsATable_andJson() {
      assertThat(run("primaries", "--shadow", target, "--data", data.toString())).isZero();
      assertThat(out.toString()).startsWith("PRIMARY  WORKLOAD  STATE  LAST SEEN  BATCHES  LOSS  JAVA");
      out.getBuffer().setLength(0);
      assertThat(run("primaries", "--shadow", target, "--data", data.toString(), "--json")).isZero();
      assertThat(out.toString().trim()).isEqualTo("{}");
    }

    @Test
    void seriesOfAnUnknownPrimary_failsWithOneLine() {
      assertThat(run("series", "nope", "cpu.process", "--shadow", target, "--data", data.toString())).isEqualTo(1);
      assertThat(err.toString().lines().toList()).containsExactly("umbra: NOT_FOUND: no primary nope");
    }

    @Test
    void aClientWithoutTheShadowsCredentials_isRefusedInOneLine(@TempDir Path elsewhere) {
      assertThat(run("primaries", "--shadow", target, "--data", elsewhere.toString())).isEqualTo(1);
      assertThat(err.toString().lines().toList()).containsExactly("umbra: refused by the shadow: a bearer token is"
          + " required (the shadow's credential files: docs/security.md) (check --data, --token-file or UMBRA_TOKEN)");
    }

    @Test
    void theReaderCredential_cannotRollBack() {
      assertThat(run("rollback", "p", "--shadow", target, "--token-file",
          data.resolve("credentials/reader.token").toString())).isEqualTo(1);
      assertThat(err.toString()).startsWith("umbra: refused by the shadow: umbra.v1.ControlService/Rollback needs the"
          + " role operator");
    }

    @Test
    void aTokenOnTheCommandLine_isAUsageError() {
      assertThat(run("primaries", "--shadow", target, "--token", "t0k")).isEqualTo(2);
      assertThat(err.toString().lines().toList()).containsExactly("umbra: --token on the command line is visible to"
          + " every local user; use --token-file FILE, UMBRA_TOKEN_FILE or UMBRA_TOKEN");
    }

    @Test
    void anUnreachableShadow_failsWithOneLine() throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      assertThat(run("primaries", "--shadow", "127.0.0.1:" + port)).isEqualTo(1);
      assertThat(err.toString()).startsWith("umbra: cannot reach the shadow at 127.0.0.1:" + port);
      assertThat(err.toString().lines().count()).isEqualTo(1);
    }

    @Test
    void aMalformedShadowAddress_isAUsageError() {
      assertThat(run("primaries", "--shadow", "localhost")).isEqualTo(2);
      assertThat(err.toString().lines().toList()).containsExactly("umbra: --shadow: 'localhost' is not HOST:PORT");
    }
  }
}
