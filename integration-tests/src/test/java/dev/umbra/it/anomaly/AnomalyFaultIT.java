package dev.umbra.it.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.AnomalyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two fault primaries with the real agent, watched by one real shadow, run side by side.
 *
 * <p>The <em>quiet</em> primary runs the steady workload only: after a warm-up ({@code
 * umbra.it.warmupSeconds}, 45: the detector learns each series for 30 s) it must raise no anomaly
 * at all for {@code umbra.it.quietSeconds} (270: until the faulty primary's last recovery ends).
 * Meanwhile the <em>faulty</em> primary gets each fault in turn, held {@link #HOLD}, then stopped and given time to recover: each must produce an
 * anomaly of a sensible kind whose series (or a related one) is one the fault moves, decided on
 * data at most 10 s after the fault began (grid time, so a slow box delays it only as much as the
 * data). About 5.5 minutes.
 *
 * <p>The two share a 2-core machine, so the faulty primary's spin and GC storm do move the quiet
 * primary's {@code cpu.machine} (the host's CPU). The detector never opens an anomaly of a primary
 * on {@code cpu.machine} alone (another process's load is not this primary's behaviour; it only
 * joins an incident of the primary's own series as related), so nothing is excused here: any
 * anomaly of the quiet primary in its fault-free window fails the test, whatever its series.
 *
 * <p>Both primaries' series are written to {@code target/anomaly-fault-it/} for replay.
 */
@org.junit.jupiter.api.condition.DisabledIfSystemProperty(named = "umbra.it.faults", matches = "false",
    disabledReason = "-Dumbra.it.faults=false skips it (about 6 minutes)")
class AnomalyFaultIT {
  static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("umbra.it.warmupSeconds", 45));
  static final Duration QUIET = Duration.ofSeconds(Integer.getInteger("umbra.it.quietSeconds", 270));
  /** After the warm-up, the faulty primary's detector also learns its threshold before the first fault. */
  static final Duration FIRST_FAULT = Duration.ofSeconds(15);
  static final Duration HOLD = Duration.ofSeconds(12);
  static final Duration RECOVERY = Duration.ofSeconds(30);
  /** The anomaly must be decided on data at most this long after the fault began. */
  static final Duration DECIDED_WITHIN = Duration.ofSeconds(10);

  record Fault(String command, Set<String> series, Set<AnomalyKind> kinds) {}

  static final Set<AnomalyKind> UP = Set.of(
      AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT, AnomalyKind.ANOMALY_KIND_SPIKE, AnomalyKind.ANOMALY_KIND_TREND);
  static final Set<AnomalyKind> DOWN = Set.of(AnomalyKind.ANOMALY_KIND_STALL, AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT);

  static final List<Fault> FAULTS = List.of(
      // on a loaded box the spinning thread's share of CPU ramps up over seconds: a trend is fair
      new Fault("spin", Set.of("cpu.process"), UP),
      new Fault("threads", Set.of("threads.live"), UP),
      new Fault("gc", Set.of("alloc.rate", "gc.pause", "cpu.process"), UP),
      new Fault("leak", Set.of("mem.heap.after_gc", "mem.heap.used", "mem.heap.committed", "mem.rss"),
          Set.of(AnomalyKind.ANOMALY_KIND_TREND)),
      new Fault("io-stall", Set.of("io.disk.write", "io.disk.read", "io.disk.ops", "io.net.rx", "io.net.tx", "io.net.ops"),
          DOWN),
      new Fault("drop", Set.of("cpu.process", "alloc.rate"), DOWN));

  @TempDir Path work;
  private FaultRun run;

  @AfterEach
  void tearDown() throws Exception {
    if (run != null) {
      System.out.println(run.output());
      run.close();
    }
  }

  @Test
  void eachFaultIsDetectedOnItsSeries_andTheFaultFreePrimaryRaisesNoAnomaly() throws Exception {
    run = FaultRun.start(work, "quiet", "faulty");
    FaultRun.FaultProcess quiet = run.primary("quiet");
    FaultRun.FaultProcess faulty = run.primary("faulty");
    long connected = System.currentTimeMillis();
    long quietFrom = connected + WARMUP.toMillis();
    long quietTo = quietFrom + QUIET.toMillis();
    sleepUntil(quietFrom + FIRST_FAULT.toMillis());

    List<String> report = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    List<long[]> faultTimes = new ArrayList<>();
    try {
      for (Fault fault : FAULTS) {
        long at = faulty.cue(fault.command());
        sleepUntil(at + HOLD.toMillis());
        faulty.cue("stop");
        faultTimes.add(new long[] {at, System.currentTimeMillis()});
        check(fault, at, faulty, report, failures);
        sleepUntil(System.currentTimeMillis() + RECOVERY.toMillis());
      }
      sleepUntil(quietTo);
    } finally {
      dump(quiet, faulty, connected, faultTimes, report);
    }

    List<Anomaly> quietAll = quiet.anomalies();
    List<Anomaly> falseAlarms = quietAll.stream()
        .filter(a -> a.getDetectedUnixMs() >= quietFrom && a.getDetectedUnixMs() <= quietTo).toList();
    report.add(0, String.format(Locale.ROOT,
        "quiet primary: %d anomalies in its %d s fault-free run (after a %d s warm-up, %d in it) %s",
        falseAlarms.size(), QUIET.toSeconds(), WARMUP.toSeconds(),
        quietAll.stream().filter(a -> a.getDetectedUnixMs() < quietFrom).count(), summary(falseAlarms)));
    List<Double> latencies = run.delivered.stream()
        .map(d -> (d.deliveredMillis() - d.anomaly().getEvidenceUnixMs()) / 1000.0).sorted().toList();
    report.add("event-to-alert upper bounds (delivery − start of the deciding grid second), s: " + latencies);
    report.add("wall time " + (System.currentTimeMillis() - connected) / 1000 + " s after both primaries connected");
    report.forEach(line -> System.out.println("AnomalyFaultIT: " + line));
    assertThat(falseAlarms).as("anomalies of the quiet primary in its fault-free run\n" + String.join("\n", report)).isEmpty();
    assertThat(failures).as(String.join("\n", report)).isEmpty();
  }

  /** Whether the fault that began at {@code at} was flagged in time, on its series, with a sensible kind. */
  private void check(Fault fault, long at, FaultRun.FaultProcess faulty, List<String> report, List<String> failures) {
    List<Anomaly> during = faulty.anomalies().stream()
        .filter(a -> a.getEvidenceUnixMs() >= at - 1000)
        .sorted(Comparator.comparingLong(Anomaly::getEvidenceUnixMs)).toList();
    Optional<Anomaly> right = during.stream()
        .filter(a -> dataDelayMillis(a, at) <= DECIDED_WITHIN.toMillis())
        .filter(a -> fault.kinds().contains(a.getKind()))
        .filter(a -> Stream.concat(Stream.of(a.getSeries()), a.getRelatedSeriesList().stream()).anyMatch(fault.series()::contains))
        .findFirst();
    if (right.isEmpty()) {
      failures.add(fault.command() + ": no " + fault.kinds() + " anomaly on " + fault.series() + " within "
          + DECIDED_WITHIN.toSeconds() + " s; got " + summary(during));
      report.add(String.format(Locale.ROOT, "%-9s NOT DETECTED in time on its series; during the fault: %s",
          fault.command(), summary(during)));
      return;
    }
    Anomaly a = right.get();
    Optional<Long> deliveredAt = faulty.delivered().stream().filter(d -> d.anomaly().getId().equals(a.getId()))
        .map(FaultRun.Delivered::deliveredMillis).findFirst();
    report.add(String.format(Locale.ROOT,
        "%-9s %-11s %-16s related=%s onset %+.1f s, decided on data %.1f s after the fault, delivered %s; score %.2f; %s",
        fault.command(), a.getKind().name().replace("ANOMALY_KIND_", ""), a.getSeries(), a.getRelatedSeriesList(),
        (a.getOnsetUnixMs() - at) / 1000.0, dataDelayMillis(a, at) / 1000.0,
        deliveredAt.map(d -> String.format(Locale.ROOT, "%.1f s after", (d - at) / 1000.0)).orElse("(not seen on the watch)"),
        a.getScore(), a.getExplanation()));
    report.add("          every anomaly from the fault on: " + summary(during));
  }

  /** From the fault to the end of the grid second whose data decided the anomaly. */
  private static long dataDelayMillis(Anomaly a, long at) {
    return a.getEvidenceUnixMs() + 1000 - at;
  }

  private static void sleepUntil(long epochMillis) throws InterruptedException {
    long left = epochMillis - System.currentTimeMillis();
    if (left > 0) {
      Thread.sleep(left);
    }
  }

  /** Both primaries' series and the fault times, for replay through the detector. */
  private void dump(FaultRun.FaultProcess quiet, FaultRun.FaultProcess faulty, long since, List<long[]> faultTimes,
      List<String> report) {
    try {
      Path dir = Path.of(System.getProperty("umbra.it.artifacts", "target")).resolve("anomaly-fault-it");
      quiet.dumpSeries(run.shadow, dir.resolve("quiet.csv"), since - 60_000);
      faulty.dumpSeries(run.shadow, dir.resolve("faulty.csv"), since - 60_000);
      List<String> lines = new ArrayList<>(List.of("fault,at_ms,stopped_ms"));
      for (int i = 0; i < faultTimes.size(); i++) {
        lines.add(FAULTS.get(i).command() + "," + faultTimes.get(i)[0] + "," + faultTimes.get(i)[1]);
      }
      Files.write(dir.resolve("faults.csv"), lines);
      report.add("series written to " + dir.toAbsolutePath());
    } catch (Exception e) {
      report.add("series not written: " + e);
    }
  }

  static String summary(List<Anomaly> anomalies) {
    return anomalies.stream()
        .map(a -> a.getKind().name().replace("ANOMALY_KIND_", "") + " " + a.getSeries()
            + (a.getRelatedSeriesCount() == 0 ? "" : " +" + a.getRelatedSeriesList()) + " (" + a.getExplanation() + ")")
        .toList().toString();
  }
}
