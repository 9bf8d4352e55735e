package dev.umbra.shadow.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.heap.ClassCount;
import dev.umbra.shadow.heap.HeapSnapshot;
import dev.umbra.shadow.heap.HeapStore;
import dev.umbra.shadow.heap.OldObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HeapEvidenceTest {
  private static final long MB = 1 << 20;
  /** 10:02:11 UTC. */
  private static final long BEFORE = Instant.parse("2026-01-01T10:02:11Z").getEpochSecond();
  private final HeapStore heap = new HeapStore();
  private final HeapEvidence evidence = new HeapEvidence(heap);

  @BeforeEach
  void twoHistograms() {
    heap.add("p", new HeapSnapshot(Instant.ofEpochSecond(BEFORE), List.of(
        new ClassCount("com.example.Cache$Entry", 10 * MB, 100_000), new ClassCount("[B", 40 * MB, 900),
        new ClassCount("java.lang.String", 8 * MB, 300_000)), 0));
    heap.add("p", new HeapSnapshot(Instant.ofEpochSecond(BEFORE + 60), List.of(
        new ClassCount("com.example.Cache$Entry", 58 * MB, 1_300_000), new ClassCount("[B", 43 * MB, 1100),
        new ClassCount("java.lang.String", 7 * MB, 290_000)), 0));
  }

  private static TestAnomaly leak() {
    return TestAnomaly.newBuilder().setPrimaryId("p").setSeries("mem.heap.after_gc").setKind(Kind.TREND)
        .setOnsetUnixMs((BEFORE + 30) * 1000).setDetectedUnixMs((BEFORE + 70) * 1000)
        .setObserved(300 * MB).setExpectedLow(100 * MB).setExpectedHigh(150 * MB)
        .setExplanation("mem.heap.after_gc climbed");
  }

  @Nested
  class AHeapGrowthAnomaly {
    @Test
    void namesTheClassesThatGrew_largestFirst_sinceTheHistogramBeforeTheOnset() {
      assertThat(evidence.apply(leak().build()).explanation()).isEqualTo("mem.heap.after_gc climbed; heap grows: "
          + "com.example.Cache$Entry +48 MB (+1.2 M instances), [B +3 MB (+200 instances) since 10:02:11 UTC");
    }

    @Test
    void namesWhereTheLeadingClassWasAllocated_whenAnOldObjectSampleSaysSo() {
      heap.add("p", List.of(new OldObject(Instant.ofEpochSecond(BEFORE + 60), "com.example.Cache$Entry",
          Optional.empty(), 200 * MB, List.of("java.util.HashMap.put:612", "com.example.Cache.put:42", "com.example.Main.run:7"))));
      assertThat(evidence.apply(leak().build()).explanation())
          .endsWith("; old objects of com.example.Cache$Entry allocated at com.example.Cache.put:42");
    }

    @Test
    void joiningARisingIncidentAsRelated_isExplainedToo() {
      Anomaly a = leak().setSeries("mem.rss").addRelatedSeries("mem.heap.used").build();
      assertThat(evidence.apply(a).explanation()).contains("heap grows: com.example.Cache$Entry");
    }

    @Test
    void keepsEveryOtherField() {
      Anomaly a = leak().build();
      Anomaly explained = evidence.apply(a);
      assertThat(explained).usingRecursiveComparison().ignoringFields("explanation").isEqualTo(a);
    }
  }

  @Nested
  class PassesUnchanged {
    @Test
    void anotherSeries() {
      Anomaly a = leak().setSeries("cpu.process").build();
      assertThat(evidence.apply(a)).isSameAs(a);
    }

    @Test
    void aFallingHeap() {
      Anomaly a = leak().setKind(Kind.LEVEL_SHIFT).setObserved(50 * MB).build();
      assertThat(evidence.apply(a)).isSameAs(a);
    }

    @Test
    void aPrimaryWithoutHistograms() {
      Anomaly a = leak().setPrimaryId("other").build();
      assertThat(evidence.apply(a)).isSameAs(a);
    }

    @Test
    void whenNoClassGrew() {
      heap.forget("p");
      ClassCount same = new ClassCount("A", MB, 1);
      heap.add("p", new HeapSnapshot(Instant.ofEpochSecond(BEFORE), List.of(same), 0));
      heap.add("p", new HeapSnapshot(Instant.ofEpochSecond(BEFORE + 60), List.of(same), 0));
      Anomaly a = leak().build();
      assertThat(evidence.apply(a)).isSameAs(a);
    }
  }

  @Nested
  class WhenTheHistogramComesAfterTheDetection {
    private final AnomalyLog log = new AnomalyLog(10, evidence);

    @BeforeEach
    void explainLater() {
      evidence.explainLater(log);
    }

    /** A leak that began after the second histogram and was detected before the third. */
    private Anomaly detectedBetweenHistograms() {
      log.publish(leak().setOnsetUnixMs((BEFORE + 70) * 1000).setDetectedUnixMs((BEFORE + 80) * 1000).build());
      return log.list("p", 0, 10).get(0);
    }

    @Test
    void theNextHistogramExplainsIt_sinceTheOnset_inTheLog() {
      Anomaly published = detectedBetweenHistograms();
      assertThat(published.explanation()).as("at first, the growth up to the newest histogram")
          .contains("com.example.Cache$Entry +48 MB", "since 10:02:11 UTC");
      heap.add("p", new HeapSnapshot(Instant.ofEpochSecond(BEFORE + 120), List.of(
          new ClassCount("com.example.Cache$Entry", 58 * MB, 1_300_000), new ClassCount("byte[]", 1, 1),
          new ClassCount("com.example.Session", 90 * MB, 30_000)), 0));
      Anomaly amended = log.list("p", 0, 10).get(0);
      assertThat(amended.explanation())
          .isEqualTo("mem.heap.after_gc climbed; heap grows: com.example.Session +90 MB (+30 k instances),"
              + " byte[] +1 B (+1 instance) since 10:03:11 UTC");
      assertThat(amended).usingRecursiveComparison().ignoringFields("explanation").isEqualTo(published);
    }

    @Test
    void aHistogramLongAfter_orAnAnomalyExplainedSinceItsOnset_changesNothing() {
      Anomaly published = detectedBetweenHistograms();
      heap.add("p", new HeapSnapshot(Instant.ofEpochSecond(BEFORE + 80).plus(HeapEvidence.LATE_FOR).plusSeconds(1),
          List.of(new ClassCount("com.example.Session", 90 * MB, 30_000)), 0));
      assertThat(log.list("p", 0, 10)).containsExactly(published);

      Anomaly explained = evidence.apply(leak().build()); // onset +30, histograms at +0 and +60
      assertThat(explained.explanation()).contains(HeapEvidence.MARK);
      assertThat(evidence.late(explained, Instant.ofEpochSecond(BEFORE + 120))).isSameAs(explained);
    }
  }

  @Test
  void theLogKeepsAndTellsTheExplainedAnomaly_andAFailingEvidenceKeepsTheAnomaly() {
    AnomalyLog log = new AnomalyLog(10, evidence);
    Anomaly[] told = new Anomaly[1];
    log.subscribe(a -> told[0] = a);
    log.publish(leak().build());
    assertThat(told[0].explanation()).contains("com.example.Cache$Entry +48 MB");
    assertThat(log.list("p", 0, 10)).singleElement().isEqualTo(told[0]);

    UnaryOperator<Anomaly> broken = a -> {
      throw new IllegalStateException("broken");
    };
    AnomalyLog failing = new AnomalyLog(10, broken);
    Anomaly a = leak().build();
    failing.publish(a);
    assertThat(failing.list("p", 0, 10)).containsExactly(a);
  }
}
