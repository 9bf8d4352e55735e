package dev.umbra.shadow.forecast.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.QuantileLevels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class LstmBankTest {
  private static final QuantileLevels LEVELS = QuantileLevels.DEFAULT;

  @BeforeAll
  static void oneThread() {
    NativeThreads.limit(1);
  }

  private static LstmModel model(int version) {
    return new LstmModel(LstmModel.newNetwork(LEVELS, 11), LEVELS, 60, 60, version, Instant.ofEpochSecond(0));
  }

  private static double[][] features(Random random, int n) {
    double[][] f = new double[n][BlockFeatures.COUNT];
    for (double[] row : f) {
      for (int k = 0; k < row.length; k++) {
        row[k] = 2 * random.nextDouble();
      }
    }
    return f;
  }

  @Test
  void batchedSteps_equalOneCallPerStream_andPlainRnnTimeStep() {
    LstmModel model = model(1);
    LstmBank batched = new LstmBank(model);
    LstmBank single = new LstmBank(model);
    int streams = 7;
    List<LstmBank.State> a = new ArrayList<>();
    List<LstmBank.State> b = new ArrayList<>();
    List<MultiLayerNetwork> plain = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      a.add(batched.newState());
      b.add(single.newState());
      plain.add(model.copyNetwork());
    }
    Random random = new Random(3);
    for (int step = 0; step < 20; step++) {
      double[][] f = features(random, streams);
      double[][] together = batched.step(a, f);
      for (int i = 0; i < streams; i++) {
        double[] alone = single.step(List.of(b.get(i)), new double[][] {f[i]})[0];
        double[] reference = plain.get(i).rnnTimeStep(Nd4j.create(new double[][] {f[i]}).castTo(
            org.nd4j.linalg.api.buffer.DataType.FLOAT)).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        assertThat(together[i]).hasSize(LEVELS.size());
        assertThat(together[i]).containsExactly(alone, within(1e-5));
        assertThat(together[i]).containsExactly(reference, within(1e-5));
      }
    }
  }

  @Test
  void streamsOfOneBatchDoNotShareState() {
    LstmBank bank = new LstmBank(model(1));
    LstmBank.State s1 = bank.newState();
    LstmBank.State s2 = bank.newState();
    double[][] f = features(new Random(4), 1);
    double[] first = bank.step(List.of(s1), f)[0];
    // s2 is fresh: its first output equals s1's first, whatever s1 did since
    bank.step(List.of(s1), f);
    assertThat(bank.step(List.of(s2), f)[0]).containsExactly(first, within(1e-6));
  }

  @Test
  void refusesAStateOfAnotherVersion() {
    LstmBank.State old = new LstmBank(model(1)).newState();
    LstmBank bank = new LstmBank(model(2));
    assertThatThrownBy(() -> bank.step(List.of(old), features(new Random(1), 1)))
        .hasMessageContaining("state of lstm-v1@").hasMessageContaining("stepped with lstm-v2@");
  }

  @Test
  void refusesAStateOfAnotherWorkloadsModel_withTheSameVersionNumber() {
    LstmBank.State theirs = new LstmBank(model(1)).newState();
    LstmBank bank = new LstmBank(model(1));
    assertThatThrownBy(() -> bank.step(List.of(theirs), features(new Random(1), 1)))
        .hasMessageContaining("state of lstm-v1@");
  }
}
