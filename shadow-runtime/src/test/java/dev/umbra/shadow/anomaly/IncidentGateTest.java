package dev.umbra.shadow.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IncidentGateTest {
  private static final PrimaryDetector.Step NOTHING = new PrimaryDetector.Step(Optional.empty(), Optional.empty());

  private final SurpriseEvidence surprise = new SurpriseEvidence(SurpriseSettings.DEFAULT);
  private final IncidentGate gate = new IncidentGate(surprise);
  private final List<Incident> published = new ArrayList<>();
  private final List<Incident> updated = new ArrayList<>();

  private static SeriesAlarm alarm(String series, Kind kind, long step) {
    return new SeriesAlarm(series, kind, step - 3, step, 0.7, 417, 15, 19, series + " shifted up to 417 for 4 s");
  }

  private void pass(long step, PrimaryDetector.Step band) {
    PrimaryDetector.Step out = gate.pass(step, band);
    out.started().ifPresent(published::add);
    out.grown().ifPresent(updated::add);
  }

  private static PrimaryDetector.Step started(Incident i) {
    return new PrimaryDetector.Step(Optional.of(i), Optional.empty());
  }

  private static PrimaryDetector.Step grown(Incident i) {
    return new PrimaryDetector.Step(Optional.empty(), Optional.of(i));
  }

  @Test
  void anIncidentASurprisingValueAgreesWith_isPublishedAtOnce_withTheBandDetectorsKindAndTheSurpriseScore() {
    surprise.surprising(98, "threads.live", 0.93); // the surprise score reacts before the band's persistence
    Incident band = new Incident(1, alarm("threads.live", Kind.LEVEL_SHIFT, 101), List.of());

    pass(101, started(band));

    assertThat(published).singleElement().satisfies(i -> {
      assertThat(i.number()).isEqualTo(1);
      assertThat(i.lead().kind()).isEqualTo(Kind.LEVEL_SHIFT);
      assertThat(i.lead().onsetStep()).isEqualTo(98);
      assertThat(i.lead().decidedStep()).isEqualTo(101);
      assertThat(i.lead().explanation()).isEqualTo(band.lead().explanation());
      assertThat(i.lead().score()).isEqualTo(0.93);
    });
  }

  @Test
  void aSurprisingValueOfARelatedSeries_afterTheAlarm_publishesTheIncidentThen() {
    Incident band = new Incident(1, alarm("mem.heap.used", Kind.TREND, 200), List.of());
    pass(200, started(band));
    pass(201, grown(band.with("alloc.rate")));
    pass(202, NOTHING);
    assertThat(published).isEmpty();

    surprise.surprising(203, "alloc.rate", 0.61);
    pass(203, NOTHING);
    pass(204, grown(band.with("alloc.rate").with("cpu.process")));

    assertThat(published).singleElement().satisfies(i -> {
      assertThat(i.lead().series()).isEqualTo("mem.heap.used");
      assertThat(i.related()).containsExactly("alloc.rate");
      assertThat(i.lead().decidedStep()).isEqualTo(203);
      assertThat(i.lead().score()).isEqualTo(0.61);
    });
    assertThat(updated).singleElement().satisfies(i -> {
      assertThat(i.related()).containsExactly("alloc.rate", "cpu.process");
      assertThat(i.lead().decidedStep()).isEqualTo(203);
      assertThat(i.lead().score()).isEqualTo(0.61);
    });
  }

  @Test
  void anIncidentNoSurpriseOfItsSeriesAgreesWith_isNeverPublished_norAreItsLaterVersions() {
    surprise.surprising(50, "threads.live", 0.9); // long before: another excursion
    surprise.surprising(101, "io.net.ops", 0.9); // at the time, but a series the incident does not involve
    Incident band = new Incident(1, alarm("threads.live", Kind.LEVEL_SHIFT, 101), List.of());

    pass(101, started(band));
    for (long t = 102; t < 140; t++) {
      if (t == 125) {
        surprise.surprising(t, "threads.live", 0.9); // too late to agree with it
      }
      pass(t, t == 103 ? grown(band.with("cpu.process")) : NOTHING);
    }

    assertThat(published).isEmpty();
    assertThat(updated).isEmpty();
  }

  @Test
  void aBlockedIncident_doesNotHoldBackTheNextOne() {
    pass(101, started(new Incident(1, alarm("threads.live", Kind.LEVEL_SHIFT, 101), List.of())));
    for (long t = 102; t < 160; t++) {
      pass(t, NOTHING);
    }
    surprise.surprising(160, "cpu.process", 1.0);
    pass(162, started(new Incident(2, alarm("cpu.process", Kind.LEVEL_SHIFT, 162), List.of())));

    assertThat(published).extracting(Incident::number).containsExactly(2L);
  }

  @Test
  void aFaultThatComesBack_isPublishedOnTheBandDetectorsWord_withTheFirstOnesScore() {
    surprise.surprising(100, "cpu.process", 0.87);
    pass(101, started(new Incident(1, alarm("cpu.process", Kind.LEVEL_SHIFT, 101), List.of())));
    // two minutes later the same fault: the surprise score has learnt its level and stays quiet
    pass(221, started(new Incident(2, alarm("threads.live", Kind.LEVEL_SHIFT, 221), List.of("cpu.process"))));

    assertThat(published).extracting(Incident::number).containsExactly(1L, 2L);
    assertThat(published.get(1).lead().score()).isEqualTo(0.87);
    assertThat(published.get(1).lead().decidedStep()).isEqualTo(221);
  }

  @Test
  void aRecurrence_isJudgedAfresh_onceTheSurpriseScoreHasForgottenTheFirstFault() {
    surprise.surprising(100, "cpu.process", 0.87);
    pass(101, started(new Incident(1, alarm("cpu.process", Kind.LEVEL_SHIFT, 101), List.of())));
    long later = 101 + SurpriseSettings.DEFAULT.history() + 1;
    pass(later, started(new Incident(2, alarm("cpu.process", Kind.LEVEL_SHIFT, later), List.of())));
    for (long t = later + 1; t <= later + IncidentGate.AGREEMENT_STEPS + 1; t++) {
      pass(t, NOTHING);
    }

    assertThat(published).extracting(Incident::number).containsExactly(1L);
  }

  @Test
  void aPublishedIncident_keepsItsScoreInLaterVersions_afterAnotherWasPublished() {
    surprise.surprising(100, "cpu.process", 0.87);
    Incident first = new Incident(1, alarm("cpu.process", Kind.LEVEL_SHIFT, 101), List.of());
    pass(101, started(first));
    surprise.surprising(120, "threads.live", 0.66);
    pass(121, started(new Incident(2, alarm("threads.live", Kind.LEVEL_SHIFT, 121), List.of())));
    pass(130, grown(first.with("gc.pause")));

    assertThat(published).extracting(Incident::number).containsExactly(1L, 2L);
    assertThat(updated).singleElement().satisfies(i -> {
      assertThat(i.number()).isEqualTo(1);
      assertThat(i.related()).containsExactly("gc.pause");
      assertThat(i.lead().score()).isEqualTo(0.87);
      assertThat(i.lead().decidedStep()).isEqualTo(101);
    });
  }

  @Test
  void aPublishedIncident_silentForTheLikelihoodsMemory_isForgotten() {
    surprise.surprising(100, "cpu.process", 0.87);
    Incident first = new Incident(1, alarm("cpu.process", Kind.LEVEL_SHIFT, 101), List.of());
    pass(101, started(first));
    long step = 101;
    for (; step <= 101 + SurpriseSettings.DEFAULT.history(); step += 1000) {
      pass(step, grown(first.with("gc.pause")));
    }
    long silentUntil = step + SurpriseSettings.DEFAULT.history() + 1;
    pass(silentUntil, grown(first.with("gc.pause").with("threads.live")));

    assertThat(updated).hasSize(9).allSatisfy(i -> assertThat(i.related()).containsExactly("gc.pause"));
  }
}
