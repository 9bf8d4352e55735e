package dev.umbra.shadow.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrimaryDetectorTest {
  private final PrimaryDetector detector = AnomalyDetection.newPrimaryDetector(DetectorSettings.DEFAULT);
  private final Random random = new Random(3);
  private final List<Incident> started = new ArrayList<>();
  private final List<Incident> grown = new ArrayList<>();

  private void step(long t, double cpu, double threads, double heap) {
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("cpu.process", cpu * (1 + 0.05 * random.nextGaussian()));
    v.put("threads.live", threads);
    v.put("mem.heap.used", heap * (1 + 0.02 * random.nextGaussian()));
    PrimaryDetector.Step s = detector.observe(t, v);
    s.started().ifPresent(started::add);
    s.grown().ifPresent(grown::add);
  }

  @Test
  void alarmsOfSeveralSeriesCloseInTime_areOneIncident_andALaterOneIsAnother() {
    for (int t = 0; t < 300; t++) {
      step(t, 0.5, 20, 200e6);
    }
    assertThat(started).isEmpty();
    for (int t = 300; t < 320; t++) {
      step(t, 2.5, t >= 302 ? 400 : 20, 200e6);
    }
    for (int t = 320; t < 700; t++) {
      step(t, 2.5, 400, 200e6);
    }
    assertThat(started).hasSize(1);
    Incident first = started.get(0);
    assertThat(first.lead().series()).isEqualTo("cpu.process");
    assertThat(grown).isNotEmpty();
    assertThat(grown.get(grown.size() - 1).related()).containsExactly("threads.live");
    for (int t = 700; t < 720; t++) {
      step(t, 2.5, 400, t >= 705 ? 900e6 : 200e6);
    }
    assertThat(started).hasSize(2);
    assertThat(started.get(1).lead().series()).isEqualTo("mem.heap.used");
    assertThat(started.get(1).number()).isEqualTo(2);
  }

  @Test
  void theHostsCpu_neverOpensAnIncident_butJoinsOneOfThePrimarysOwnSeries() {
    List<Incident> incidents = new ArrayList<>();
    for (int t = 0; t < 400; t++) {
      Map<String, Double> v = new LinkedHashMap<>();
      boolean ownFault = t >= 150 && t < 170; // the primary spins: its CPU and the host's move
      boolean neighbourBusy = t >= 300 && t < 330; // another process spins: only the host's CPU moves
      v.put("cpu.machine", (ownFault || neighbourBusy ? 1.4 : 0.4) * (1 + 0.05 * random.nextGaussian()));
      v.put("cpu.process", (ownFault ? 1.2 : 0.2) * (1 + 0.05 * random.nextGaussian()));
      PrimaryDetector.Step s = detector.observe(t, v);
      s.started().ifPresent(incidents::add);
      s.grown().ifPresent(grown::add);
    }
    assertThat(incidents).as(incidents.toString()).hasSize(1);
    assertThat(incidents.get(0).lead().series()).isEqualTo("cpu.process");
    assertThat(incidents.get(0).lead().onsetStep()).isEqualTo(150);
    // the host's CPU joins it, in the step the incident opened or later
    Incident last = grown.isEmpty() ? incidents.get(0) : grown.get(grown.size() - 1);
    assertThat(last.related()).containsExactly("cpu.machine");
  }

  /**
   * A heap whose sawtooth spans hundreds of MB (a big young generation collected every 30 s) hides
   * a 40 MB/s leak from {@code mem.heap.used}; the heap after each collection shows it, as a climb
   * although its first move out of the band is a jump.
   */
  @Test
  void aLeakThatTheSawtoothHides_isATrendOfTheHeapAfterGc() {
    double liveSet = 20e6;
    double heap = liveSet;
    long lastGc = 0;
    List<Incident> incidents = new ArrayList<>();
    long leakFrom = 905;
    for (long t = 0; t < leakFrom + 10; t++) {
      boolean leaking = t >= leakFrom;
      if (leaking) {
        liveSet += 40e6;
      }
      heap += 10e6 + (leaking ? 40e6 : 0);
      Map<String, Double> v = new LinkedHashMap<>();
      // a collection every 30 s; once the leak has filled the heap past G1's occupancy threshold
      // (4 s, as measured on FaultPrimary), one a second: the first catches up on 4 s of leak at once
      if (t - lastGc >= 30 || (leaking && t - leakFrom >= 4)) {
        heap = liveSet + 2e6 * random.nextGaussian();
        lastGc = t;
        v.put(AnomalyDetection.HEAP_AFTER_GC, heap);
      }
      v.put("mem.heap.used", heap);
      v.put("cpu.process", 0.3 * (1 + 0.05 * random.nextGaussian()));
      detector.observe(t, v).started().ifPresent(incidents::add);
    }
    assertThat(incidents).as(incidents.toString()).hasSize(1);
    SeriesAlarm lead = incidents.get(0).lead();
    assertThat(lead.series()).isEqualTo(AnomalyDetection.HEAP_AFTER_GC);
    assertThat(lead.kind()).isEqualTo(Kind.TREND);
    assertThat(lead.decidedStep()).isBetween(leakFrom, leakFrom + 9);
    assertThat(lead.explanation()).startsWith("mem.heap.after_gc rising");
  }

  @Test
  void aTrendJoiningAnIncident_takesItsLead_asTheLeakThatExplainsTheShift() {
    Incident last = null;
    for (int t = 0; t < 330; t++) {
      boolean leaking = t >= 300;
      Map<String, Double> v = new LinkedHashMap<>();
      v.put("alloc.rate", (leaking ? 55e6 : 15e6) * (1 + 0.03 * random.nextGaussian())); // the leak allocates
      v.put("mem.heap.used", 30e6 + (leaking ? (t - 299) * 40e6 : 0) + 2e6 * random.nextGaussian()); // and keeps it
      PrimaryDetector.Step s = detector.observe(t, v);
      s.started().ifPresent(started::add);
      if (s.started().isPresent() || s.grown().isPresent()) {
        last = s.started().orElseGet(() -> s.grown().get());
      }
    }
    assertThat(started).hasSize(1);
    assertThat(last).isNotNull();
    assertThat(last.number()).isEqualTo(started.get(0).number());
    assertThat(last.lead().series()).isEqualTo("mem.heap.used");
    assertThat(last.lead().kind()).isEqualTo(Kind.TREND);
    assertThat(last.related()).contains("alloc.rate").doesNotContain("mem.heap.used");
  }
}
