package dev.umbra.it.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.AnomalyKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fault primary with the real agent, watched by a real shadow: after a warm-up (the
 * detector's learning window and the JVM's JIT settling) it runs fault-free for {@code
 * umbra.it.quietSeconds} (300) with no anomaly allowed, then injects each fault in turn, holds it
 * {@link #HOLD}, stops it and lets the primary recover. Each fault must produce an anomaly of a
 * sensible kind whose series (or a related one) is one the fault moves, decided on data at most
 * 10 s after the fault began (grid time, so a slow CI box delays it only as much as the data).
 *
 * <p>About 11 minutes, and its one full run so far failed (the leak and the throughput drop were
 * flagged on other series, three false alarms in the quiet period; README "Anomalies"), so it
 * runs only with {@code -Dumbra.it.faults=true} until the detector passes it; {@code mvn verify}
 * skips it and says so.
 */
@EnabledIfSystemProperty(named = "umbra.it.faults", matches = "true",
    disabledReason = "11-minute fault-injection run; enable with -Dumbra.it.faults=true (it does not pass yet: README, Anomalies)")
class AnomalyFaultIT {
  static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("umbra.it.warmupSeconds", 90));
  static final Duration QUIET = Duration.ofSeconds(Integer.getInteger("umbra.it.quietSeconds", 300));
  static final Duration HOLD = Duration.ofSeconds(12);
  static final Duration RECOVERY = Duration.ofSeconds(30);

  record Fault(String command, Set<String> series, Set<AnomalyKind> kinds) {}

  static final List<Fault> FAULTS = List.of(
      // on a loaded box the spinning thread's share of CPU ramps up over seconds: a trend is fair
      new Fault("spin", Set.of("cpu.process", "cpu.machine"),
          Set.of(AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT, AnomalyKind.ANOMALY_KIND_SPIKE, AnomalyKind.ANOMALY_KIND_TREND)),
      new Fault("threads", Set.of("threads.live"),
          Set.of(AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT, AnomalyKind.ANOMALY_KIND_SPIKE, AnomalyKind.ANOMALY_KIND_TREND)),
      new Fault("gc", Set.of("alloc.rate", "gc.pause", "cpu.process"),
          Set.of(AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT, AnomalyKind.ANOMALY_KIND_SPIKE, AnomalyKind.ANOMALY_KIND_TREND)),
      new Fault("leak", Set.of("mem.heap.used", "mem.heap.committed", "mem.rss"),
          Set.of(AnomalyKind.ANOMALY_KIND_TREND, AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT)),
      new Fault("io-stall", Set.of("io.disk.write", "io.disk.read", "io.disk.ops", "io.net.rx", "io.net.tx", "io.net.ops"),
          Set.of(AnomalyKind.ANOMALY_KIND_STALL, AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT)),
      new Fault("drop", Set.of("cpu.process", "alloc.rate"),
          Set.of(AnomalyKind.ANOMALY_KIND_STALL, AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT)));

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
  void eachFaultIsDetected_andTheFaultFreeRunRaisesNoAnomaly() throws Exception {
    run = FaultRun.start(work);
    Thread.sleep(WARMUP.toMillis());
    long quietFrom = System.currentTimeMillis();
    List<Anomaly> warmup = run.anomalies();
    Thread.sleep(QUIET.toMillis());
    long quietTo = System.currentTimeMillis();
    List<Anomaly> quiet = run.anomalies().stream()
        .filter(a -> a.getDetectedUnixMs() >= quietFrom && a.getDetectedUnixMs() <= quietTo).toList();

    List<String> report = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    report.add(String.format(Locale.ROOT, "warm-up %d s: %d anomalies; fault-free %d s: %d anomalies %s",
        WARMUP.toSeconds(), warmup.size(), QUIET.toSeconds(), quiet.size(), summary(quiet)));
    for (Fault fault : FAULTS) {
      long at = run.cue(fault.command());
      Optional<Anomaly> found = Optional.empty();
      long deadline = System.currentTimeMillis() + 40_000;
      while (found.isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(250);
        found = run.anomalies().stream()
            .filter(a -> a.getEvidenceUnixMs() >= at - 1000)
            .min((a, b) -> Long.compare(a.getEvidenceUnixMs(), b.getEvidenceUnixMs()));
      }
      long holdLeft = at + HOLD.toMillis() - System.currentTimeMillis();
      if (holdLeft > 0) {
        Thread.sleep(holdLeft);
      }
      run.cue("stop");
      List<Anomaly> during = run.anomalies().stream().filter(a -> a.getEvidenceUnixMs() >= at - 1000).toList();
      if (found.isEmpty()) {
        failures.add(fault.command() + ": no anomaly");
        report.add(fault.command() + ": NOT DETECTED");
      } else {
        Anomaly a = found.get();
        double dataDelay = (a.getEvidenceUnixMs() + 1000 - at) / 1000.0;
        double wallDelay = (a.getDetectedUnixMs() - at) / 1000.0;
        boolean seriesOk = fault.series().contains(a.getSeries())
            || a.getRelatedSeriesList().stream().anyMatch(fault.series()::contains);
        boolean kindOk = fault.kinds().contains(a.getKind());
        report.add(String.format(Locale.ROOT,
            "%-9s %-26s %-24s related=%s onset+%.1fs data-delay %.1f s detection-delay %.1f s score %.2f%s  %s",
            fault.command(), a.getKind(), a.getSeries(), a.getRelatedSeriesList(), (a.getOnsetUnixMs() - at) / 1000.0,
            dataDelay, wallDelay, a.getScore(), seriesOk && kindOk ? "" : "  <-- WRONG", a.getExplanation()));
        report.add("          all during the fault: " + summary(during));
        if (!seriesOk || !kindOk) {
          failures.add(fault.command() + ": " + a.getKind() + " on " + a.getSeries() + " " + a.getRelatedSeriesList());
        }
        if (dataDelay > 10) {
          failures.add(fault.command() + ": decided on data " + dataDelay + " s after the fault");
        }
      }
      Thread.sleep(RECOVERY.toMillis());
    }
    List<Double> latencies = run.delivered.stream()
        .map(d -> (d.deliveredMillis() - d.anomaly().getEvidenceUnixMs()) / 1000.0).sorted().toList();
    report.add("event-to-alert upper bounds (delivery − start of the deciding grid second), s: " + latencies);
    report.forEach(line -> System.out.println("AnomalyFaultIT: " + line));
    assertThat(quiet).as("anomalies in the fault-free run\n" + String.join("\n", report)).isEmpty();
    assertThat(failures).as(String.join("\n", report)).isEmpty();
  }

  static String summary(List<Anomaly> anomalies) {
    return anomalies.stream()
        .map(a -> a.getKind().name().replace("ANOMALY_KIND_", "") + " " + a.getSeries() + " (" + a.getExplanation() + ")")
        .toList().toString();
  }
}
