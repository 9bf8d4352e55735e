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
    assertThat(grown).isNotEmpty();
    assertThat(grown.get(grown.size() - 1).related()).containsExactly("cpu.machine");
  }
}
