package dev.umbra.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.TelemetryBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application runs on whatever happens to the shadow or the agent's options. */
class AgentFaultIT {
  private static final Pattern TICK = Pattern.compile("^tick (\\d+) (\\d+)$", Pattern.MULTILINE);
  /** From the end of the application's main thread to the JVM's exit, with the agent streaming. */
  private static final Duration EXITS_WITHIN = Duration.ofSeconds(10);

  @TempDir Path work;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private JavaProcess primary;

  @AfterEach
  void tearDown() throws Exception {
    if (primary != null) {
      System.out.println("--- output of the primary ---\n" + primary.output());
      primary.close();
    }
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private JavaProcess ticker(String agentOptions, int seconds, String... tickerArgs) throws Exception {
    List<String> args = new ArrayList<>();
    if (agentOptions != null) {
      args.add("-javaagent:" + JavaProcess.agentJar() + "=" + agentOptions);
    }
    args.addAll(List.of("-Xmx64m", "-cp", JavaProcess.testClasses().toString(), "dev.umbra.it.primaries.Ticker",
        Integer.toString(seconds)));
    args.addAll(List.of(tickerArgs));
    primary = JavaProcess.start("ticker", JavaProcess.java17Home(), args, Map.of(), work);
    return primary;
  }

  private static List<Long> ticks(String output) {
    List<Long> ticks = new ArrayList<>();
    Matcher m = TICK.matcher(output);
    while (m.find()) {
      ticks.add(Long.parseLong(m.group(2)));
    }
    return ticks;
  }

  private static long agentLines(String output, String level) {
    return output.lines().filter(l -> l.startsWith("umbra-agent " + level)).count();
  }

  @Test
  void appRunsAndAgentConnectsLater_whenTheShadowIsDownAtStart() throws Exception {
    int port = FreePort.pick();
    JavaProcess app = ticker("shadow=127.0.0.1:" + port, 90);
    app.awaitOutput("^umbra-agent WARN shadow 127.0.0.1:" + port + " unavailable", Duration.ofSeconds(60));
    app.awaitOutput("^tick 1 ", Duration.ofSeconds(60));
    Thread.sleep(2000); // a few reconnect attempts against nothing

    RecordingCollector collector = new RecordingCollector(port).start();
    toClose.add(collector);

    Await.until("Hello once the shadow is up", () -> !collector.hellos().isEmpty()
        && !collector.batches().isEmpty(), Duration.ofSeconds(60), app::output);
    assertThat(app.isAlive()).isTrue();
    assertThat(agentLines(app.output(), "WARN")).as("one warning for the state change").isEqualTo(1);
    assertThat(app.output()).contains("umbra-agent WARN shadow 127.0.0.1:" + port + " unavailable");
  }

  @Test
  void reconnectsWithANewHello_andReportsDrops_whenTheShadowIsKilledAndRestarted() throws Exception {
    int port = FreePort.pick();
    RecordingCollector collector = new RecordingCollector(port).start();
    toClose.add(collector);
    JavaProcess app = ticker("shadow=127.0.0.1:" + port + ",buffer.batches=2", 60);
    Await.until("batches", () -> collector.batches().size() >= 5, Duration.ofSeconds(60), app::output);
    long lastBefore = collector.batches().get(collector.batches().size() - 1).getSequence();

    collector.stop();
    // the agent closes a batch only when it holds something, but the gauges fill one every
    // second: 4 s make at least 4 batches for a buffer of 2
    Thread.sleep(4000);
    collector.start();

    Await.until("a second Hello and a batch after it", () -> collector.hellos().size() >= 2
        && collector.batches().stream().anyMatch(b -> b.getDroppedBatches() > 0), Duration.ofSeconds(60), app::output);
    Hello second = collector.hellos().get(1);
    assertThat(second.getPrimaryId()).isEqualTo(collector.hellos().get(0).getPrimaryId());
    assertThat(second.getNextSequence()).isGreaterThan(lastBefore);
    TelemetryBatch withDrops = collector.batches().stream().filter(b -> b.getDroppedBatches() > 0).findFirst().orElseThrow();
    assertThat(withDrops.getDroppedPoints()).isPositive();
    assertThat(app.isAlive()).isTrue();
    Await.until("a heartbeat with the drop total", () -> collector.heartbeats().stream()
        .anyMatch(h -> h.getDroppedBatchesTotal() > 0), Duration.ofSeconds(20), app::output);
  }

  @Test
  void appKeepsItsThroughput_whenTheShadowStopsReading() throws Exception {
    int port = FreePort.pick();
    RecordingCollector collector = new RecordingCollector(port).start();
    toClose.add(collector);
    JavaProcess app = ticker("shadow=127.0.0.1:" + port + ",criticality=high,buffer.batches=10", 120);
    Await.until("batches", () -> collector.batches().size() >= 5, Duration.ofSeconds(60), app::output);
    int started = ticks(app.output()).size();
    app.awaitOutput("^tick " + (started + 5) + " ", Duration.ofSeconds(60));
    int before = ticks(app.output()).size();

    collector.stall(true);
    app.awaitOutput("^tick " + (before + 15) + " ", Duration.ofSeconds(60));
    List<Long> ticks = ticks(app.output());
    collector.stall(false);
    long resumedAt = System.currentTimeMillis();

    // not a speed target: a blocked agent would stop the loop (zero ticks), a spinning one would
    // halve it; the loop's own noise on a shared machine stays well inside this bound
    double beforeRate = ticks.subList(before - 4, before).stream().mapToLong(Long::longValue).average().orElseThrow();
    double stalledRate = ticks.subList(before + 1, before + 15).stream().mapToLong(Long::longValue).average().orElseThrow();
    assertThat(stalledRate).as("iterations/s while the shadow stalls vs before").isGreaterThan(0.5 * beforeRate);
    assertThat(app.output()).doesNotContain("umbra-agent ERROR");
    // the stream carries on, and every batch made during the stall was delivered or counted
    // as dropped (the buffer holds 10 batches; whether it overflowed depends on how many bytes
    // the small HTTP/2 window and gRPC's 32 KiB send buffer let through). Once a batch made after
    // the stall has arrived, every batch before it has (sequences are given as batches are made,
    // and drops are reported with the next batch sent). Such a batch holds only points sampled
    // after the stall ended. (This used to wait for the sequence 75 past the last one seen before
    // the stall, counting 5 batches a second; the agent closes a 200 ms batch only when it holds
    // something, about one a second here, so that took some 45 s longer than needed.)
    Await.until("a batch made after the stall", () -> collector.batches().stream()
        .anyMatch(b -> madeAfter(b, resumedAt)), Duration.ofSeconds(60), app::output);
    System.out.printf("AgentFaultIT: a batch made after the stall arrived %d ms after it ended%n",
        System.currentTimeMillis() - resumedAt);
    List<TelemetryBatch> batches = collector.batches();
    long distinct = batches.stream().mapToLong(TelemetryBatch::getSequence).distinct().count();
    long dropped = batches.stream().mapToLong(TelemetryBatch::getDroppedBatches).sum();
    long first = batches.get(0).getSequence();
    long last = batches.stream().mapToLong(TelemetryBatch::getSequence).max().orElseThrow();
    assertThat(distinct + dropped).isEqualTo(last - first + 1);
  }

  /** Whether every point of {@code batch} was sampled at or after {@code unixMs} (and it has some). */
  private static boolean madeAfter(TelemetryBatch batch, long unixMs) {
    return batch.getSeriesCount() > 0 && batch.getSeriesList().stream()
        .allMatch(s -> s.getTimeUnixMsList().stream().allMatch(t -> t >= unixMs));
  }

  @Test
  void printsOneClearLine_andTheAppRuns_whenAnOptionIsBad() throws Exception {
    JavaProcess app = ticker("shadow=127.0.0.1:7070,criticality=extreme", 2);

    assertThat(app.awaitExit(Duration.ofSeconds(60))).isZero();
    assertThat(app.output()).contains("done");
    List<String> agentLines = app.output().lines().filter(l -> l.startsWith("umbra-agent")).toList();
    assertThat(agentLines).hasSize(1);
    assertThat(agentLines.get(0)).startsWith("umbra-agent ERROR").contains("criticality").contains("'extreme'")
        .contains("agent is off");
  }

  /**
   * The application's main thread ends while the agent streams, and the JVM exits on its own
   * (no non-daemon agent thread keeps it) within {@link #EXITS_WITHIN}. The main thread ends on a
   * cue once the agent has delivered batches, rather than after a fixed 25 s run: the old bound
   * (30 s from the batches, with about 20 s of the run left) gave the exit about as long.
   */
  @Test
  void exitsPromptly_withTheAgentRunning() throws Exception {
    int port = FreePort.pick();
    RecordingCollector collector = new RecordingCollector(port).start();
    toClose.add(collector);
    JavaProcess app = ticker("shadow=127.0.0.1:" + port, 120, "cue");
    Await.until("batches", () -> collector.batches().size() >= 3, Duration.ofSeconds(60), app::output);
    assertThat(app.isAlive()).as("the application runs while the agent streams").isTrue();

    app.process().getOutputStream().write("end\n".getBytes(StandardCharsets.UTF_8));
    app.process().getOutputStream().flush();
    assertThat(app.awaitExit(EXITS_WITHIN)).isZero();
    assertThat(app.output()).contains("done");
  }
}
