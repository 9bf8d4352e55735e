package dev.umbra.shadow.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SurpriseDetectorTest {
  private final SurpriseDetector detector = new SurpriseDetector(SurpriseSettings.DEFAULT);
  private final Random random = new Random(7);

  /** Feeds {@code n} values of level ± noise; returns how many scored at or above the report level. */
  private int feed(int n, double level, double noise) {
    int reports = 0;
    for (int i = 0; i < n; i++) {
      if (detector.observe(level + noise * random.nextGaussian()) >= SurpriseSettings.DEFAULT.report()) {
        reports++;
      }
    }
    return reports;
  }

  @Test
  void scoresNothing_whileItLearns() {
    for (int i = 0; i < SurpriseSettings.DEFAULT.learning(); i++) {
      assertThat(detector.observe(i % 2 == 0 ? 0 : 1000 * i)).isZero();
    }
  }

  @Test
  void aValueBeyondTheRangeSeenSoFar_scores1_andTheSeriesThenRests() {
    feed(2000, 50, 2);

    assertThat(detector.observe(200)).isEqualTo(1.0);
    for (int i = 0; i < SurpriseSettings.DEFAULT.rest(); i++) {
      assertThat(detector.observe(i % 2 == 0 ? 400 : -400)).isZero();
    }
    assertThat(detector.observe(1000)).isEqualTo(1.0);
  }

  @Test
  void aShiftDuringTheRestAfterABlip_scores0_butIsSurprisingNow() {
    feed(2000, 50, 2);
    assertThat(detector.observe(70)).isEqualTo(1.0); // a one-step blip: reported, the series rests
    feed(12, 50, 2);

    assertThat(detector.observe(150)).isZero(); // 13 steps later a real shift: no report while resting
    assertThat(detector.unrestedScore()).isEqualTo(1.0); // but surprising now
    assertThat(feed(5, 50, 2)).isZero();
    assertThat(detector.unrestedScore()).isLessThan(SurpriseSettings.DEFAULT.report());
  }

  @Test
  void aStartUpOutlier_doesNotWidenTheNovelRange() {
    detector.observe(1000); // a start-up burst in the learning steps
    feed(SurpriseSettings.DEFAULT.learning() - 1, 50, 2);

    assertThat(detector.observe(80)).isEqualTo(1.0);
  }

  @Test
  void aSeriesThatStaysAsNoisyAsItWas_isRarelyFlagged() {
    feed(2000, 50, 10);

    // pure noise: new extremes and chance runs, at most one report per 2 000 steps
    assertThat(feed(20_000, 50, 10)).isLessThanOrEqualTo(10);
  }

  @Test
  void aShiftInsideTheRangeSeenBefore_isFlaggedByTheLikelihood_withinTenSteps() {
    // a calm level with a rare excursion to 100 every 200 steps: the range is 0..100 early on
    for (int i = 0; i < 3000; i++) {
      detector.observe(i % 200 == 100 ? 100 : 50 + random.nextGaussian());
    }
    int flaggedAt = -1;
    for (int i = 0; i < 50 && flaggedAt < 0; i++) {
      if (detector.observe(70 + random.nextGaussian()) >= SurpriseSettings.DEFAULT.report()) {
        flaggedAt = i;
      }
    }
    assertThat(flaggedAt).isBetween(0, 10);
  }

  @Test
  void aMissingValue_scores0_andIsNotLearnt() {
    feed(2000, 50, 2);

    assertThat(detector.observe(Double.NaN)).isZero();
    assertThat(detector.observe(200)).isEqualTo(1.0);
  }

  @Test
  void twoSidedTail_isSmoothed_andSymmetric() {
    Ring window = new Ring(8);
    for (int i = 1; i <= 8; i++) {
      window.add(i);
    }
    assertThat(SurpriseDetector.twoSidedTail(window, 100)).isEqualTo(2 * 1 / 10.0);
    assertThat(SurpriseDetector.twoSidedTail(window, -100)).isEqualTo(2 * 1 / 10.0);
    assertThat(SurpriseDetector.twoSidedTail(window, 4.5)).isEqualTo(1.0);
  }

  @Test
  void aValueUsualForTheDay_butNotForItsHour_isFlagged() {
    // every 5 minutes for 20 days: 80 ± 1 from 16:00 to 19:59, 20 ± 1 otherwise
    int step = 0;
    for (int day = 0; day < 20; day++) {
      for (int minute = 0; minute < 24 * 60; minute += 5, step++) {
        int hour = minute / 60;
        detector.observe((hour >= 16 && hour < 20 ? 80 : 20) + random.nextGaussian(), hour);
      }
    }
    // day 21: the evening jump does not come
    int flagged = -1;
    for (int minute = 0; minute < 24 * 60 && flagged < 0; minute += 5) {
      if (detector.observe(20 + random.nextGaussian(), minute / 60) >= SurpriseSettings.DEFAULT.report()) {
        flagged = minute;
      }
    }
    assertThat(flagged).as("minute of the day it was flagged").isBetween(16 * 60, 17 * 60);
  }

  @Test
  void refusesAnHourThatIsNotOne() {
    assertThatThrownBy(() -> detector.observe(1, 24)).isInstanceOf(IllegalArgumentException.class);
  }
}
