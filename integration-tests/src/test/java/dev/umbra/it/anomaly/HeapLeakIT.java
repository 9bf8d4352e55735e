package dev.umbra.it.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.AnomalyKind;
import dev.umbra.proto.v1.GetHeapRequest;
import dev.umbra.proto.v1.GetHeapResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fault primary with the real agent (class histograms every 3 s) and a real shadow: once its
 * detector has learned the steady workload, the primary leaks objects of one named class
 * ({@code FaultPrimary$LeakedEntry}, 40 MB/s). The heap anomaly that follows must name that
 * class first among the classes that grew, and GetHeap must rank it first. About 2 minutes.
 */
class HeapLeakIT {
  static final String LEAKING_CLASS = "dev.umbra.it.primaries.FaultPrimary$LeakedEntry";
  static final Set<String> HEAP_SERIES = Set.of("mem.heap.after_gc", "mem.heap.used", "mem.heap.committed");
  /** The detector learns each series for 30 s, then its threshold; as in AnomalyFaultIT. */
  static final Duration WARMUP = Duration.ofSeconds(60);
  static final Duration DETECTED_WITHIN = Duration.ofSeconds(60);

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
  void aLeakAnomaly_namesTheLeakingClass() throws Exception {
    run = FaultRun.startWith(work, "histogram.period=3s", "leaky");
    FaultRun.FaultProcess leaky = run.primary("leaky");
    Thread.sleep(WARMUP.toMillis());
    long at = leaky.cue("leak-entries");

    Anomaly[] found = new Anomaly[1];
    FaultRun.until("a heap anomaly naming " + LEAKING_CLASS, () -> {
      Optional<Anomaly> named = heapAnomalies(leaky, at).filter(a -> a.getExplanation().contains(LEAKING_CLASS)).findFirst();
      named.ifPresent(a -> found[0] = a);
      return named.isPresent();
    }, DETECTED_WITHIN, () -> "heap anomalies since the leak: "
        + heapAnomalies(leaky, at).map(a -> a.getKind() + " " + a.getSeries() + ": " + a.getExplanation()).toList()
        + "\nall anomalies: " + AnomalyFaultIT.summary(leaky.anomalies()));
    Anomaly a = found[0];
    System.out.println("HeapLeakIT: " + a.getKind() + " " + a.getSeries() + " related=" + a.getRelatedSeriesList()
        + " onset " + (a.getOnsetUnixMs() - at) / 1000.0 + " s after the leak began: " + a.getExplanation());
    assertThat(a.getKind()).isNotEqualTo(AnomalyKind.ANOMALY_KIND_STALL);
    assertThat(a.getExplanation()).as("the leaking class is the first named").contains("heap grows: " + LEAKING_CLASS + " +");

    GetHeapResponse heap = run.shadow.control().withDeadlineAfter(30, TimeUnit.SECONDS)
        .getHeap(GetHeapRequest.newBuilder().setPrimaryId(leaky.primaryId).build());
    assertThat(heap.getSnapshotsCount()).isGreaterThanOrEqualTo(2);
    assertThat(heap.getGrowth(0).getClassName()).isEqualTo(LEAKING_CLASS);
    assertThat(heap.getGrowth(0).getInstancesGrowth()).isPositive();
  }

  /** The primary's anomalies on a heap series (lead or related) decided on data from the leak on. */
  private static Stream<Anomaly> heapAnomalies(FaultRun.FaultProcess primary, long at) {
    List<Anomaly> all = primary.anomalies();
    return all.stream().filter(a -> a.getEvidenceUnixMs() >= at - 1000)
        .filter(a -> Stream.concat(Stream.of(a.getSeries()), a.getRelatedSeriesList().stream()).anyMatch(HEAP_SERIES::contains));
  }
}
