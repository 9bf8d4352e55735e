package dev.umbra.shadow.forecast.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LstmModelTest {
  private static final QuantileLevels LEVELS = QuantileLevels.of(0.1, 0.5, 0.9);
  private static final long T0 = 1372636800L;
  private static final long HOUR = 3600;

  @BeforeAll
  static void oneThread() {
    NativeThreads.limit(1);
  }

  /** 12 days of a noisy daily cycle at 5 minutes. */
  private static TrainingSequence sequence(long seed) {
    Random random = new Random(seed);
    int n = 8 * 288;
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = T0 + 300L * i;
      double hour = (i % 288) / 12.0;
      v[i] = 100 * (2 + Math.sin(hour / 24 * 2 * Math.PI)) * (1 + 0.2 * random.nextDouble());
    }
    return TrainingSequence.of(t, v, new BlockFeatures(HOUR, -300, 300, 1), 3900, 600);
  }

  @Nested
  class Features {
    @Test
    void scaleIsTheMeanOfAllPeaksSoFar_afterMoreThanTwoDaysOfBlocks() {
      BlockFeatures features = new BlockFeatures(HOUR, 0, 300, 0.01);
      List<BlockFeatures.Block> blocks = new java.util.ArrayList<>();
      for (long t = 0; t <= 5 * 86_400; t += 300) {
        blocks.addAll(features.add(t, 2.0)); // a constant series: every peak is 2
      }
      BlockFeatures.Block last = blocks.get(blocks.size() - 1);
      assertThat(blocks).hasSizeGreaterThan(4 * 24);
      assertThat(last.scale()).isEqualTo(2.0);
      assertThat(last.features()[0]).as("peak over scale").isEqualTo(1.0);
    }
  }

  @Nested
  class Loss {
    @Test
    void scoresAndGradientsArePinball_perLevel() {
      PinballLossFunction loss = new PinballLossFunction(new double[] {0.1, 0.9});
      INDArray labels = Nd4j.create(new double[][] {{10, 10}, {0, 0}});
      INDArray out = Nd4j.create(new double[][] {{8, 12}, {1, 1}});
      // row 0: 0.1*(10-8)=0.2 ; 0.9-1 = -0.1*(10-12)=0.2 -> 0.4 ; row 1: 0.9*1=0.9, 0.1*1=0.1 -> 1.0
      INDArray score = loss.computeScoreArray(labels, out, new ActivationIdentity(), null);
      assertThat(score.getDouble(0, 0)).isCloseTo(0.4, within(1e-9));
      assertThat(score.getDouble(1, 0)).isCloseTo(1.0, within(1e-9));
      assertThat(loss.computeScore(labels, out, new ActivationIdentity(), null, true)).isCloseTo(0.7, within(1e-9));
      INDArray grad = loss.computeGradient(labels, out, new ActivationIdentity(), null);
      double[][] g = grad.toDoubleMatrix();
      assertThat(g[0]).containsExactly(new double[] {-0.1, 0.1}, within(1e-12));
      assertThat(g[1]).containsExactly(new double[] {0.9, 0.1}, within(1e-12));
      INDArray mask = Nd4j.create(new double[][] {{1}, {0}});
      assertThat(loss.computeScore(labels, out, new ActivationIdentity(), mask, false)).isCloseTo(0.4, within(1e-9));
    }
  }

  @Nested
  class Training {
    @Test
    void lowersThePinballLoss_andKeepsTargetsUnknownAfterTheCutoff() {
      TrainingSequence all = sequence(1);
      long cutoff = T0 + 6 * 86400;
      TrainingSequence seen = all.until(cutoff, 3900);
      assertThat(seen.blocks()).allSatisfy(b -> assertThat(b.endSec()).isLessThanOrEqualTo(cutoff));
      assertThat(seen.targets()[seen.targets().length - 1]).isNaN();
      MultiLayerNetwork net = LstmModel.newNetwork(LEVELS, 42);
      LstmTrainer trainer = new LstmTrainer(48, 8, 42);
      double before = loss(net, all);
      LstmModel model = trainer.fit(net, LEVELS, List.of(seen), 20, HOUR, 3900, 1, Instant.ofEpochSecond(cutoff));
      assertThat(loss(model.network(), all)).isLessThan(before * 0.5);
    }

    private double loss(MultiLayerNetwork net, TrainingSequence s) {
      double sum = 0;
      int n = 0;
      net.rnnClearPreviousState();
      for (int b = 0; b < s.blocks().size(); b++) {
        double[] out = net.rnnTimeStep(Nd4j.create(new double[][] {s.blocks().get(b).features()})).toDoubleVector();
        double y = s.targets()[b];
        if (!Double.isNaN(y)) {
          for (int j = 0; j < out.length; j++) {
            double d = y - out[j];
            sum += Math.max(LEVELS.get(j) * d, (LEVELS.get(j) - 1) * d);
          }
          n++;
        }
      }
      net.rnnClearPreviousState();
      return sum / n;
    }
  }

  @Nested
  class Persistence {
    @TempDir Path dir;
    private final ModelKey key = new ModelKey("wl", "cpu.process@60x1s");

    @Test
    void reloadsTheLatestVersion_withIdenticalOutputs() throws Exception {
      LstmModelStore store = new LstmModelStore(dir);
      assertThat(store.loadLatest(key)).isEmpty();
      assertThat(store.nextVersion(key)).isEqualTo(1);
      LstmModel v1 = new LstmModel(LstmModel.newNetwork(LEVELS, 1), LEVELS, HOUR, 3900, 1, Instant.ofEpochSecond(T0));
      LstmModel v2 = new LstmModel(LstmModel.newNetwork(LEVELS, 2), LEVELS, HOUR, 3900, 2, Instant.ofEpochSecond(T0 + 86400));
      store.save(key, v1);
      store.save(key, v2);
      LstmModel loaded = store.loadLatest(key).orElseThrow();
      assertThat(loaded.version()).isEqualTo(2);
      assertThat(loaded.trainedUntil()).isEqualTo(Instant.ofEpochSecond(T0 + 86400));
      assertThat(loaded.levels()).isEqualTo(LEVELS);
      assertThat(store.nextVersion(key)).isEqualTo(3);
      INDArray in = Nd4j.create(new double[][][] {{{1, 2}, {0.5, 1}, {0, 0}, {1, 1}, {1, 1}, {0, 1}, {1, 0}, {1, 1}}});
      assertThat(loaded.copyNetwork().output(in).ravel().toDoubleVector())
          .containsExactly(v2.copyNetwork().output(in).ravel().toDoubleVector(), within(1e-6));
    }

    @Test
    void skipsAnUnreadableVersion_forThePreviousOne_andNamesTheFile() throws Exception {
      LstmModelStore store = new LstmModelStore(dir);
      store.save(key, new LstmModel(LstmModel.newNetwork(LEVELS, 1), LEVELS, HOUR, 3900, 1, Instant.ofEpochSecond(T0)));
      store.save(key, new LstmModel(LstmModel.newNetwork(LEVELS, 2), LEVELS, HOUR, 3900, 2, Instant.ofEpochSecond(T0)));
      Path v2 = store.file(key, 2);
      Files.write(v2, java.util.Arrays.copyOf(Files.readAllBytes(v2), 100)); // truncated, as after a crash
      assertThat(store.loadLatest(key).orElseThrow().version()).isEqualTo(1);
      assertThat(store.nextVersion(key)).isEqualTo(3);
      assertThatThrownBy(() -> store.load(key, 2)).hasMessageContaining("lstm-v2.model");
    }
  }

  @Nested
  class Inference {
    private final Horizon horizon = new Horizon(13, Duration.ofMinutes(5));
    private final SeriesProfile profile = new SeriesProfile(SeriesProfile.ResourceKind.CPU, 1, 0);

    @Test
    void fallsBackWithAReason_beforeAModelExists_thenForecastsWithoutCrossing() throws Exception {
      TrainingSequence s = sequence(2);
      LstmModel model = new LstmTrainer(48, 8, 1).fit(LstmModel.newNetwork(LEVELS, 3), LEVELS, List.of(s), 5, HOUR, 3900, 1,
          Instant.ofEpochSecond(T0 + 5 * 86400));
      LstmForecaster f = new LstmForecaster("cpu", profile, horizon, LEVELS,
          ModelSource.schedule(java.util.Map.of(Instant.ofEpochSecond(T0 + 5 * 86400), model)),
          new LstmForecaster.Timing(HOUR, -300, Duration.ofMinutes(10)));
      Random random = new Random(5);
      for (int i = 0; i < 6 * 288; i++) {
        long t = T0 + 300L * i;
        f.observe(Instant.ofEpochSecond(t), 100 + 50 * random.nextDouble());
        if (i == 4 * 288) {
          assertThatThrownBy(() -> f.forecast(Instant.ofEpochSecond(t))).isInstanceOf(InsufficientHistoryException.class)
              .hasMessageContaining("no trained LSTM");
        }
      }
      QuantileForecast q = f.forecast(Instant.ofEpochSecond(T0 + 6 * 86400 - 300));
      assertThat(q.model()).isEqualTo("lstm");
      assertThat(q.modelVersion()).startsWith("lstm-v1@");
      double[] peak = q.peakQuantiles();
      assertThat(peak[0]).isLessThanOrEqualTo(peak[1]);
      assertThat(peak[1]).isLessThanOrEqualTo(peak[2]);
      assertThat(peak[2]).isPositive();
    }
  }
}
