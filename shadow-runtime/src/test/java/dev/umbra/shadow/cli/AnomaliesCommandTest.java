package dev.umbra.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.Shadow;
import dev.umbra.shadow.anomaly.Kind;
import dev.umbra.shadow.anomaly.TestAnomaly;
import dev.umbra.shadow.config.ShadowConfig;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnomaliesCommandTest {
  @TempDir Path data;
  private Shadow shadow;
  private String target;
  private CliRun cli;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() throws Exception {
    cli = new CliRun(data);
    out = cli.out;
    err = cli.err;
    shadow = Shadow.start(ShadowConfig.of(new ShadowConfig.Endpoint("127.0.0.1", 0),
        new ShadowConfig.Endpoint("127.0.0.1", 0), data), Clock.systemUTC());
    target = "127.0.0.1:" + shadow.grpcAddress().getPort();
    shadow.anomalies().publish(TestAnomaly.newBuilder().setId("p1-1").setPrimaryId("p1").setSeries("cpu.process")
        .addRelatedSeries("threads.live").setKind(Kind.LEVEL_SHIFT).setDetectedUnixMs(1000)
        .setScore(0.6).setObserved(3).setExpectedLow(0.1).setExpectedHigh(0.5)
        .setExplanation("cpu.process shifted up to 3.00 cores for 3 s, expected 0.10–0.50").build());
  }

  @AfterEach
  void stop() {
    shadow.close();
  }

  private int run(String... args) {
    return cli.run(args);
  }

  @Test
  void printsATable() {
    assertThat(run("anomalies", "--shadow", target)).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("DETECTED (UTC)").contains("KIND", "SCORE", "SERIES", "EXPLANATION");
    assertThat(lines.get(1)).contains("1970-01-01 00:00:01", "level-shift", "0.60", "p1",
        "cpu.process (+threads.live)", "cpu.process shifted up to 3.00 cores for 3 s");
  }

  @Test
  void printsJson() {
    assertThat(run("anomalies", "--shadow", target, "--json")).isZero();
    assertThat(out.toString()).contains("\"id\":\"p1-1\"", "\"kind\":\"ANOMALY_KIND_LEVEL_SHIFT\"");
  }

  @Test
  void anUnknownPrimary_failsWithOneLine() {
    assertThat(run("anomalies", "nope", "--shadow", target)).isEqualTo(1);
    assertThat(err.toString().lines().toList()).containsExactly("umbra: NOT_FOUND: no primary nope");
  }

  @Test
  void aBadLimit_isAUsageError() {
    assertThat(run("anomalies", "--shadow", target, "--limit", "0")).isEqualTo(2);
    assertThat(err.toString().lines().toList()).containsExactly("umbra: --limit: 0 is not in 1..10000");
  }
  @Test
  void followPrintsEachNewAnomaly_untilTheShadowGoes() throws Exception {
    int[] exit = new int[1];
    Thread follower = new Thread(() -> exit[0] = run("anomalies", "--shadow", target, "--follow"));
    follower.start();
    // until the watch is subscribed and has printed it (a line names no id: look for its explanation)
    for (int i = 0; i < 300 && !out.toString().contains("threads.live spiked"); i++) {
      shadow.anomalies().publish(TestAnomaly.newBuilder().setId("p1-new").setPrimaryId("p1").setSeries("threads.live")
          .setKind(Kind.SPIKE).setDetectedUnixMs(2000).setScore(0.7)
          .setExplanation("threads.live spiked to 400 threads, expected 18–19 threads").build());
      Thread.sleep(100);
    }
    shadow.close();
    follower.join(30_000);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("DETECTED (UTC)");
    assertThat(lines.get(1)).contains("1970-01-01 00:00:02", "spike", "0.70", "p1", "threads.live",
        "threads.live spiked to 400 threads");
    assertThat(exit[0]).isEqualTo(1);
    assertThat(err.toString().lines().toList()).hasSize(1);
  }
}
