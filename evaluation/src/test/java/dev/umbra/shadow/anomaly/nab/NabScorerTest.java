package dev.umbra.shadow.anomaly.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** NAB's rules on small files whose scores are computed by hand (see the comments). */
class NabScorerTest {
  private static final LocalDateTime T0 = LocalDateTime.of(2020, 1, 1, 0, 0);
  private static final NabProfile STD = NabProfile.STANDARD;

  /** 100 rows 5 min apart (probation: 15 rows), one window over rows {@code from..to}. */
  static NabFile file(String category, int rows, int... windowRows) {
    List<String> stamps = new ArrayList<>();
    List<LocalDateTime> times = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      times.add(T0.plusMinutes(5L * i));
      stamps.add(NabCorpus.TIME.format(times.get(i)));
    }
    List<NabFile.Window> windows = new ArrayList<>();
    for (int w = 0; w < windowRows.length; w += 2) {
      windows.add(new NabFile.Window(times.get(windowRows[w]), times.get(windowRows[w + 1])));
    }
    return new NabFile(category, "f" + rows + ".csv", stamps, times, new double[rows], windows);
  }

  private static double[] detectAt(int rows, int... at) {
    double[] s = new double[rows];
    for (int i : at) {
      s[i] = 1;
    }
    return s;
  }

  private static double raw(NabFile f, double[] scores, NabProfile p) {
    return NabScorer.at(List.of(f), List.of(scores), p, 0.5).raw();
  }

  @Test
  void theScaledSigmoid_is1AtTheWindowStart0AtItsEnd_andMinus1Beyond3() {
    assertThat(NabScorer.sigmoid(-1)).isCloseTo(0.9866143, within(1e-7));
    assertThat(NabScorer.sigmoid(0)).isZero();
    assertThat(NabScorer.sigmoid(3.0)).isCloseTo(2 / (1 + Math.exp(15)) - 1, within(1e-12));
    assertThat(NabScorer.sigmoid(3.01)).isEqualTo(-1);
  }

  @Nested
  class OneWindowOverRows50To59 {
    private final NabFile f = file("cat", 100, 50, 59);

    @Test
    void aDetectionAtTheWindowStart_isWorthTpWeight() {
      assertThat(f.probation()).isEqualTo(15);
      assertThat(raw(f, detectAt(100, 50), STD)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aDetectionAtTheWindowEnd_isWorthSigmaOfMinusOneTenth() {
      // σ(−(59−59+1)/10)/σ(−1) = 0.244919/0.986614
      assertThat(raw(f, detectAt(100, 59), STD)).isCloseTo(0.2482415, within(1e-6));
    }

    @Test
    void onlyTheEarliestDetectionInAWindowCounts() {
      // row 55: σ(−0.5)/σ(−1) = 0.859793; row 57 adds nothing
      assertThat(raw(f, detectAt(100, 55, 57), STD)).isCloseTo(0.8597926, within(1e-6));
    }

    @Test
    void aFalsePositiveBeforeAnyWindow_costsFpWeight_andAMissedWindowFnWeight() {
      assertThat(raw(f, detectAt(100, 30), STD)).isCloseTo(-1.11, within(1e-9));
      assertThat(raw(f, detectAt(100, 30), NabProfile.REWARD_LOW_FN)).isCloseTo(-2.11, within(1e-9));
      assertThat(raw(f, detectAt(100, 30), NabProfile.REWARD_LOW_FP)).isCloseTo(-1.22, within(1e-9));
    }

    @Test
    void aFalsePositiveAfterAWindow_costsLessTheCloserItIs() {
      // row 64: 0.11·σ((64−59)/9) = −0.0971219; row 90: y = 3.44 > 3, so −0.11
      assertThat(raw(f, detectAt(100, 50, 64), STD)).isCloseTo(1 - 0.0971219, within(1e-6));
      assertThat(raw(f, detectAt(100, 50, 90), STD)).isCloseTo(1 - 0.11, within(1e-9));
    }

    @Test
    void detectionsInTheProbationaryPeriod_areIgnored() {
      assertThat(raw(f, detectAt(100, 3, 14), STD)).isCloseTo(-1.0, within(1e-9));
    }

    @Test
    void theNullDetectorScores0_andThePerfectOne100() {
      NabScorer.Result none = NabScorer.sweep(List.of(f), List.of(new double[100]), STD);
      assertThat(none.normalized()).isZero();
      assertThat(none.nullScore()).isEqualTo(-1);
      assertThat(none.perfect()).isCloseTo(1, within(1e-9));
      assertThat(NabScorer.sweep(List.of(f), List.of(detectAt(100, 50)), STD).normalized()).isCloseTo(100, within(1e-9));
      assertThat(NabScorer.sweep(List.of(f), List.of(detectAt(100, 50)), NabProfile.REWARD_LOW_FN).normalized())
          .isCloseTo(100, within(1e-9));
    }
  }

  @Test
  void theSweepPicksTheBestThresholdPerProfile() {
    NabFile f = file("cat", 100, 50, 59);
    double[] s = new double[100];
    s[30] = 0.9; // false positive before the window
    s[50] = 0.8; // the window start
    s[80] = 0.5; // false positive 21 rows after the window: 0.11·σ(2.33) = −0.109931
    // thresholds: none −1; 0.9 −1.11; 0.8 0.89; 0.5 0.780069; 0.0 fires on every row
    NabScorer.Result std = NabScorer.sweep(List.of(f), List.of(s), STD);
    assertThat(std.threshold()).isEqualTo(0.8);
    assertThat(std.raw()).isCloseTo(0.89, within(1e-9));
    assertThat(std.normalized()).isCloseTo(94.5, within(1e-9));
    NabScorer.Result lowFp = NabScorer.sweep(List.of(f), List.of(s), NabProfile.REWARD_LOW_FP);
    assertThat(lowFp.threshold()).isEqualTo(0.8);
    assertThat(lowFp.normalized()).isCloseTo(100 * (0.78 + 1) / 2, within(1e-9));
  }

  @Test
  void theSweepChoosesOneThresholdForTheWholeCorpus() {
    NabFile a = file("x", 100, 50, 59);
    NabFile b = file("y", 200, 100, 119);
    double[] sa = new double[100];
    sa[50] = 0.6;
    double[] sb = new double[200];
    sb[100] = 0.3;
    sb[40] = 0.6; // an FP in b at a's best threshold
    // 0.6: a +1, b −0.11 −1 → −0.11; 0.3: a +1, b −0.11 +1 → 1.89; none: −2
    NabScorer.Result r = NabScorer.sweep(List.of(a, b), List.of(sa, sb), STD);
    assertThat(r.threshold()).isEqualTo(0.3);
    assertThat(r.raw()).isCloseTo(1.89, within(1e-9));
    assertThat(r.normalized()).isCloseTo(100 * 3.89 / 4, within(1e-9));
    assertThat(NabScorer.byCategory(List.of(a, b), List.of(sa, sb), STD, r.threshold()))
        .containsOnlyKeys("x", "y")
        .hasEntrySatisfying("x", x -> assertThat(x.normalized()).isCloseTo(100, within(1e-9)))
        .hasEntrySatisfying("y", y -> assertThat(y.normalized()).isCloseTo(100 * 1.89 / 2, within(1e-9)));
  }

  @Test
  void aWindowInsideTheProbationaryPeriod_isNotScored() {
    NabFile f = file("cat", 100, 5, 10, 50, 59);
    assertThat(NabScorer.at(List.of(f), List.of(new double[100]), STD, 0.5).nullScore()).isEqualTo(-1);
  }

  @Test
  void rowsAreScoredInRowOrder_whenTimeGoesBack_asNabsSweeperDoes() {
    // 100 rows; row 50 carries row 40's time (a daylight-saving repeat). The window [row 45, row 55]
    // is open from the row whose time is its start to the row whose time is its end, so row 50 lies
    // inside it although its time does not.
    NabFile regular = file("cat", 100, 45, 55);
    List<LocalDateTime> times = new ArrayList<>(regular.times());
    List<String> stamps = new ArrayList<>(regular.timestamps());
    times.set(50, times.get(40));
    stamps.set(50, stamps.get(40));
    NabFile back = new NabFile("cat", "back.csv", stamps, times, new double[100], regular.windows());

    // row 50 is the 6th of 11 rows: y = -(55 - 50 + 1)/11
    assertThat(raw(back, detectAt(100, 50), STD))
        .isCloseTo(NabScorer.sigmoid(-6.0 / 11) / NabScorer.sigmoid(-1), within(1e-9));
    // a row with row 40's time before the window is a false positive, far from any window: -fpWeight
    assertThat(raw(back, detectAt(100, 40), STD)).isCloseTo(-0.11 - 1, within(1e-9));
  }
}
