package dev.umbra.shadow.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SeriesDetectorTest {
  private static final DetectorSettings S = DetectorSettings.DEFAULT;

  /** Noisy steady values around {@code level} (Gaussian, sd = 5 % of the level), seeded. */
  private static double[] steady(int n, double level, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = level * (1 + 0.05 * r.nextGaussian());
    }
    return v;
  }

  private static List<SeriesAlarm> run(double[] values) {
    SeriesDetector d = new SeriesDetector("cpu.process", "cores", 0.05, true, S);
    List<SeriesAlarm> alarms = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      d.observe(i, values[i]).ifPresent(alarms::add);
    }
    return alarms;
  }

  @Nested
  class OnASteadySeries {
    @Test
    void raisesNoAlarm_overAnHourOfNoise() {
      for (long seed = 1; seed <= 5; seed++) {
        assertThat(run(steady(3600, 2.0, seed))).as("seed " + seed).isEmpty();
      }
    }

    @Test
    void raisesNoAlarm_whenTheSeriesIsConstant() {
      assertThat(run(new double[600])).isEmpty();
      double[] flat = new double[600];
      java.util.Arrays.fill(flat, 3.0);
      assertThat(run(flat)).isEmpty();
    }
  }

  @Nested
  class Kinds {
    @Test
    void aSingleHighValue_isASpike_decidedWhenTheSeriesIsBack() {
      double[] v = steady(400, 2.0, 7);
      v[300] = 6.0;
      List<SeriesAlarm> alarms = run(v);
      assertThat(alarms).hasSize(1);
      SeriesAlarm a = alarms.get(0);
      assertThat(a.kind()).isEqualTo(Kind.SPIKE);
      assertThat(a.onsetStep()).isEqualTo(300);
      assertThat(a.decidedStep()).isEqualTo(301);
      assertThat(a.observed()).isEqualTo(6.0);
      assertThat(a.expectedHigh()).isBetween(2.0, 2.5);
      assertThat(a.score()).isBetween(0.5, 1.0);
      assertThat(a.explanation()).startsWith("cpu.process spiked to 6 cores, expected ").endsWith(" cores");
    }

    @Test
    void aLastingStepUp_isOneLevelShift() {
      double[] v = steady(600, 2.0, 8);
      for (int i = 300; i < 600; i++) {
        v[i] += 3.0;
      }
      List<SeriesAlarm> alarms = run(v);
      assertThat(alarms).hasSize(1);
      assertThat(alarms.get(0).kind()).isEqualTo(Kind.LEVEL_SHIFT);
      assertThat(alarms.get(0).onsetStep()).isEqualTo(300);
      assertThat(alarms.get(0).decidedStep()).isBetween(300L, 300L + S.confirmSteps());
    }

    @Test
    void aSteadyClimb_isATrend() {
      double[] v = steady(500, 100e6, 9);
      for (int i = 300; i < 500; i++) {
        v[i] += (i - 299) * 10e6;
      }
      SeriesDetector d = new SeriesDetector("mem.heap.used", "bytes", 8 << 20, false, S);
      List<SeriesAlarm> alarms = new ArrayList<>();
      for (int i = 0; i < v.length; i++) {
        d.observe(i, v[i]).ifPresent(alarms::add);
      }
      assertThat(alarms).isNotEmpty();
      assertThat(alarms.get(0).kind()).isEqualTo(Kind.TREND);
      assertThat(alarms.get(0).decidedStep()).isBetween(300L, 310L);
      assertThat(alarms.get(0).explanation()).contains("mem.heap.used rising").contains("MB/s");
      assertThat(alarms.get(0).onsetStep()).as("the climb began at 300, inside the band").isBetween(297L, 302L);
    }

    @Test
    void theOnset_isTheRealChange_notWhereTheSeriesFirstSatJustAboveItsBand() {
      Random r = new Random(21);
      double[] v = new double[400];
      for (int i = 0; i < v.length; i++) {
        v[i] = 100e6 + 1e6 * r.nextGaussian();
      }
      for (int i = 285; i < 300; i++) {
        v[i] = 106e6 + 0.2e6 * r.nextGaussian(); // idle, a little above the band (scale 8 MB) for 15 s
      }
      for (int i = 300; i < 400; i++) {
        v[i] = 260e6 + 1e6 * r.nextGaussian(); // the fault
      }
      SeriesDetector d = new SeriesDetector("mem.heap.used", "bytes", 8 << 20, false, S);
      List<SeriesAlarm> alarms = new ArrayList<>();
      for (int i = 0; i < v.length; i++) {
        d.observe(i, v[i]).ifPresent(alarms::add);
      }
      assertThat(alarms).hasSize(1);
      assertThat(alarms.get(0).onsetStep()).isEqualTo(300);
    }

    @Test
    void aDropToZero_isAStall() {
      double[] v = steady(400, 50e3, 10);
      for (int i = 300; i < 400; i++) {
        v[i] = 0;
      }
      List<SeriesAlarm> alarms = run(v);
      assertThat(alarms).hasSize(1);
      assertThat(alarms.get(0).kind()).isEqualTo(Kind.STALL);
      assertThat(alarms.get(0).onsetStep()).isEqualTo(300);
      assertThat(alarms.get(0).decidedStep()).isLessThanOrEqualTo(303);
    }

    @Test
    void aLoneZeroReading_isRarelyAnAlarm() {
      int alarms = 0;
      for (long seed = 1; seed <= 100; seed++) {
        double[] v = steady(400, 50e3, seed);
        v[300] = 0; // a missed sample, as real telemetry has now and then
        alarms += run(v).size();
      }
      // only when a neighbour happens to lie a scale below the band too (≈ 1 % each side)
      assertThat(alarms).isLessThanOrEqualTo(10);
    }

    @Test
    void aSeriesThatFreezes_isAStall() {
      double[] v = steady(400, 10.0, 11);
      for (int i = 300; i < 400; i++) {
        v[i] = v[299];
      }
      List<SeriesAlarm> alarms = run(v);
      assertThat(alarms).hasSize(1);
      assertThat(alarms.get(0).kind()).isEqualTo(Kind.STALL);
      assertThat(alarms.get(0).decidedStep()).isLessThanOrEqualTo(306);
    }
  }

  @Nested
  class Rates {
    private static final SeriesTraits DISK_WRITE = new SeriesTraits("bytes/s", 64 << 10, SeriesTraits.Nature.RATE);

    /** A fixed-rate writer: 640 KB/s, ±1 %. */
    private double[] writer(int n, long seed) {
      Random r = new Random(seed);
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = 640e3 * (1 + 0.01 * r.nextGaussian());
      }
      return v;
    }

    private List<SeriesAlarm> run(double[] values, SeriesTraits traits) {
      SeriesDetector d = new SeriesDetector("io.disk.write", traits, S);
      List<SeriesAlarm> alarms = new ArrayList<>();
      for (int i = 0; i < values.length; i++) {
        d.observe(i, values[i]).ifPresent(alarms::add);
      }
      return alarms;
    }

    @Test
    void aCatchUpBurstAfterAStarvedSecond_isNoAnomaly_thoughSecondBySecondItWouldBe() {
      double[] v = writer(900, 31);
      for (int at : new int[] {300, 500, 700}) {
        v[at] = 0; // starved: the writes of this second did not run
        v[at + 1] = 640e3 * 1.5; // then they run late, spread over two seconds
        v[at + 2] = 640e3 * 1.5;
      }
      assertThat(run(v, DISK_WRITE)).isEmpty();
      assertThat(run(v, new SeriesTraits("bytes/s", 64 << 10, SeriesTraits.Nature.GENERIC)))
          .as("the same values judged one second at a time").isNotEmpty();
    }

    @Test
    void aBurstThatRepaysNothing_stillAlarms() {
      double[] v = writer(400, 32);
      for (int i = 300; i < 304; i++) {
        v[i] = 640e3 * 1.5;
      }
      List<SeriesAlarm> alarms = run(v, DISK_WRITE);
      assertThat(alarms).hasSize(1);
      assertThat(alarms.get(0).onsetStep()).isEqualTo(300);
      assertThat(alarms.get(0).decidedStep()).isBetween(301L, 303L);
    }

    @Test
    void anExtremeBurstOfOneOrTwoSeconds_isNoAnomaly_thoughALevelWouldAlarm() {
      double[] v = writer(600, 37);
      v[300] = 640e3 * 15; // a second's burst, fifteen times the usual rate
      v[450] = 640e3 * 8;
      v[451] = 640e3 * 8;
      assertThat(run(v, DISK_WRITE)).isEmpty();
      assertThat(run(v, new SeriesTraits("bytes/s", 64 << 10, SeriesTraits.Nature.LEVEL)))
          .extracting(SeriesAlarm::kind).as("the same values as a level").contains(Kind.SPIKE);
    }

    @Test
    void aShortfallOlderThanTheRepaymentWindow_isNotRepaid() {
      double[] v = writer(400, 33);
      v[300] = 0;
      for (int i = 300 + Repayment.STEPS; i < 304 + Repayment.STEPS; i++) {
        v[i] = 640e3 * 1.5;
      }
      assertThat(run(v, DISK_WRITE)).extracting(SeriesAlarm::onsetStep).containsExactly(300L + Repayment.STEPS);
    }

    @Test
    void aLastingDrop_isALevelShift_onceItHasLastedFiveSteps() {
      double[] v = writer(400, 34);
      for (int i = 300; i < 400; i++) {
        v[i] = 640e3 * 0.3;
      }
      List<SeriesAlarm> alarms = run(v, DISK_WRITE);
      assertThat(alarms).hasSize(1);
      assertThat(alarms.get(0).kind()).isEqualTo(Kind.LEVEL_SHIFT);
      assertThat(alarms.get(0).explanation()).contains("shifted down");
      assertThat(alarms.get(0).onsetStep()).isEqualTo(300);
      assertThat(alarms.get(0).decidedStep()).isEqualTo(300L + SeriesDetector.LOW_RATE_STEPS - 1);
    }

    @Test
    void aStarvedProcessDippingAndCatchingUp_isNoAnomaly_thoughALevelWouldBe() {
      // alloc.rate of the fault IT's quiet primary while its neighbour started 400 threads (MB/s)
      double[] starved = {9.4, 20.9, 0.0, 12.3, 6.9, 13.1, 33.7};
      Random r = new Random(36);
      double[] v = new double[400];
      for (int i = 0; i < v.length; i++) {
        v[i] = 15e6 * (1 + 0.04 * r.nextGaussian());
      }
      for (int i = 0; i < starved.length; i++) {
        v[300 + i] = starved[i] * 1e6;
      }
      assertThat(run(v, new SeriesTraits("bytes/s", 64 << 10, SeriesTraits.Nature.RATE))).isEmpty();
      assertThat(run(v, new SeriesTraits("bytes/s", 64 << 10, SeriesTraits.Nature.GENERIC))).isNotEmpty();
    }

    @Test
    void aRampingRate_isReportedAsTheLevelItReaches_notATrend() {
      double[] v = writer(400, 35);
      for (int i = 300; i < 400; i++) {
        v[i] += Math.min(i - 299, 20) * 64e3; // up by a scale a second for 20 s, then flat
      }
      List<SeriesAlarm> alarms = run(v, DISK_WRITE);
      assertThat(alarms).hasSize(1);
      assertThat(alarms.get(0).kind()).isEqualTo(Kind.LEVEL_SHIFT);
      assertThat(run(v, new SeriesTraits("bytes/s", 64 << 10, SeriesTraits.Nature.GENERIC)))
          .extracting(SeriesAlarm::kind).as("a series that may trend").containsExactly(Kind.TREND);
    }
  }

  @Nested
  class Streaming {
    @Test
    void scoresOfAPrefix_doNotDependOnWhatFollows() {
      double[] v = steady(800, 2.0, 12);
      v[500] = 9;
      SeriesDetector full = new SeriesDetector("s", "", 0, true, S);
      SeriesDetector prefix = new SeriesDetector("s", "", 0, true, S);
      for (int i = 0; i < 800; i++) {
        Optional<SeriesAlarm> a = full.observe(i, v[i]);
        if (i < 400) {
          Optional<SeriesAlarm> b = prefix.observe(i, v[i]);
          assertThat(full.lastScore()).isEqualTo(prefix.lastScore());
          assertThat(a).isEqualTo(b);
        }
      }
    }

    @Test
    void aRepeatedSpike_alarmsAgainOnlyAfterTheSeriesCalmedDown() {
      double[] v = steady(1000, 2.0, 13);
      v[300] = 8;
      v[302] = 8; // within the same alarm: suppressed
      v[700] = 8; // long after: a new alarm
      List<SeriesAlarm> alarms = run(v);
      assertThat(alarms).extracting(SeriesAlarm::onsetStep).containsExactly(300L, 700L);
    }

    @Test
    void rejectsStepsThatDoNotAdvance_andValuesThatAreNotFinite() {
      SeriesDetector d = new SeriesDetector("s", "", 0, true, S);
      d.observe(5, 1);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.observe(5, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.observe(6, Double.NaN))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }
  }
}
