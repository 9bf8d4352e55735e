package dev.umbra.it.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.SimulatedPrimary;
import dev.umbra.proto.v1.Primary;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #4's must-show: 100 primaries at "high" criticality stream into one shadow for
 * {@code -Dumbra.load.seconds} (default 60), and nothing the shadow acknowledged is lost: every
 * acknowledged second of every series of every primary is served by GetSeries with its exact
 * value, and ListPrimaries reports no loss. It asserts correctness only; the throughput and the
 * ingest-to-queryable p99 it measures are logged, never asserted (targets live in
 * {@code IngestBenchmarkIT} and bench/INGEST.md).
 */
class IngestLoadIT {
  private static final int PRIMARIES = 100;
  private static final int SECONDS = Integer.getInteger("umbra.load.seconds", 60);
  private static final Duration DRAIN = Duration.ofSeconds(60);

  @TempDir Path work;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<SimulatedPrimary> primaries = new ArrayList<>();
  private ShadowProcess shadow;

  @RegisterExtension
  final AfterTestExecutionCallback printOnFailure =
      context -> {
        if (context.getExecutionException().isPresent() && shadow != null) {
          primaries.stream().limit(10).forEach(p -> System.out.println("primary " + p));
          System.out.println(shadow.output());
        }
      };

  @AfterEach
  void stop() throws Exception {
    primaries.forEach(SimulatedPrimary::close);
    scheduler.shutdownNow();
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (shadow != null) {
      shadow.close();
    }
  }

  @Test
  void hundredPrimariesAtHighCriticality_loseNothingTheShadowAcknowledged() throws Exception {
    shadow = ShadowProcess.start(work, "-Xmx1g", "-XX:+UseG1GC");
    // one connection per primary, as with real agents; connected before the primaries start so
    // that their first batches are not held up by 100 handshakes
    for (int i = 0; i < PRIMARIES; i++) {
      ManagedChannel channel = shadow.newChannel();
      channels.add(channel);
      HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
    }
    ShadowProcess.Metrics before = shadow.metrics();
    ShadowProcess.ProcStats cpuBefore = ShadowProcess.procStats(shadow.pid());
    long startNanos = System.nanoTime();
    for (int i = 0; i < PRIMARIES; i++) {
      String id = String.format(Locale.ROOT, "load-%03d", i);
      primaries.add(SimulatedPrimary.start(SimulatedPrimary.Options.high(id), channels.get(i), scheduler));
      Thread.sleep(10); // agents do not start in lockstep
    }

    for (int elapsed = 0; elapsed < SECONDS; elapsed += 10) {
      Thread.sleep(TimeUnit.SECONDS.toMillis(Math.min(10, SECONDS - elapsed)));
      assertThat(shadow.current().isAlive()).as("shadow alive").isTrue();
      System.out.printf(Locale.ROOT, "IngestLoadIT: %d s, %d batches acknowledged, %d streaming%n",
          Math.min(elapsed + 10, SECONDS),
          primaries.stream().mapToLong(SimulatedPrimary::highestAcknowledged).sum(),
          primaries.stream().filter(SimulatedPrimary::isStreaming).count());
    }
    primaries.forEach(SimulatedPrimary::stopProducing);
    double producingSeconds = (System.nanoTime() - startNanos) / 1e9;
    for (SimulatedPrimary p : primaries) {
      assertThat(p.awaitAllAcknowledged(DRAIN)).as("all acknowledged: %s", p).isTrue();
    }
    ShadowProcess.Metrics after = shadow.metrics();
    ShadowProcess.ProcStats cpuAfter = ShadowProcess.procStats(shadow.pid());

    int seconds = 0;
    int values = 0;
    List<String> problems = new ArrayList<>();
    for (SimulatedPrimary p : primaries) {
      SimulatedPrimary.Verification stored = p.verify(shadow.control());
      problems.addAll(stored.problems());
      if (stored.rejectedPoints() > 0) {
        problems.add(p.primaryId() + ": " + stored.rejectedPoints() + " points rejected, first: " + stored.firstRejection());
      }
      assertThat(stored.acknowledgedSeconds()).isGreaterThanOrEqualTo(SECONDS - 2);
      seconds += stored.acknowledgedSeconds();
      values += stored.valuesChecked();
    }
    assertThat(problems).as("acknowledged seconds missing or wrong, points rejected").isEmpty();
    Map<String, Primary> listed =
        shadow.primaries(true).stream().collect(Collectors.toMap(Primary::getPrimaryId, Function.identity()));
    for (SimulatedPrimary p : primaries) {
      Primary primary = listed.get(p.primaryId());
      assertThat(primary).as("listed: %s", p.primaryId()).isNotNull();
      assertThat(primary.getLoss()).as("loss of %s", p.primaryId()).isZero();
      assertThat(primary.getBatchesLost()).isZero();
      assertThat(primary.getBatchesReceived()).isEqualTo(p.producedBatches());
      assertThat(primary.getPointsReceived()).isEqualTo(p.producedPoints());
    }

    double points = after.sum("umbra_ingest_points_total") - before.sum("umbra_ingest_points_total");
    System.out.printf(Locale.ROOT,
        "IngestLoadIT: %d primaries x %.1f s: %.0f points accepted (%.0f points/s), %d grid seconds"
            + " verified (%d exact values), ingest-to-queryable %s, shadow CPU %.2f cores, RSS %d MiB%n",
        PRIMARIES, producingSeconds, points, points / producingSeconds, seconds, values,
        after.quantileSince(before, "umbra_ingest_to_queryable_seconds", 0.99),
        (cpuAfter.cpuMillis() - cpuBefore.cpuMillis()) / 1000.0 / producingSeconds,
        cpuAfter.rssBytes() >> 20);
  }
}
