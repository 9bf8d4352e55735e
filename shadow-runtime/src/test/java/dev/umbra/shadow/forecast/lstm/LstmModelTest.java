package dev.umbra.shadow.forecast.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongToDoubleFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
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
    void scaleIsTheSmoothedLevelOfThePeaks_andForgetsAnOldLevel() {
      BlockFeatures features = new BlockFeatures(HOUR, 0, 300, 0.01);
      List<BlockFeatures.Block> blocks = new ArrayList<>();
      for (long t = 0; t <= 5 * 86_400; t += 300) {
        blocks.addAll(features.add(t, 2.0)); // a constant series: every peak is 2
      }
      BlockFeatures.Block last = blocks.get(blocks.size() - 1);
      assertThat(blocks).hasSizeGreaterThan(4 * 24);
      assertThat(last.scale()).isEqualTo(2.0);
      assertThat(last.features()[0]).as("peak over scale").isEqualTo(1.0);
      assertThat(last.features()[8]).as("volatility of a constant series").isZero();
      for (long t = 5 * 86_400 + 300; t <= 10 * 86_400; t += 300) {
        blocks.addAll(features.add(t, 4.0)); // the level doubles for five days
      }
      last = blocks.get(blocks.size() - 1);
      // the mean of all peaks would be 3: a smoothed level follows the series within days
      assertThat(last.scale()).isCloseTo(4.0, within(0.05));
      assertThat(last.features()[9]).as("slow level over level").isBetween(0.6, 0.9);
    }

    @Test
    void volatilityIsTheMeanAbsoluteLogChangeOfPeaks() {
      List<BlockFeatures.Block> blocks = blocksOf(10, ALTERNATING);
      assertThat(blocks.get(blocks.size() - 1).features()[8]).isCloseTo(Math.log(2), within(0.01));
    }

    @Test
    void baselineInputs_areEachLevelTimesItsOwnResolvedRatios_overTheBase() {
      List<BlockFeatures.Block> blocks = blocksOf(10, ALTERNATING);
      BlockFeatures.Block last = blocks.get(blocks.size() - 1);
      double nextOverLast = last.peak() == 2.0 ? 0.5 : 2.0;
      // recent peak (and the mean, equal here): ratios alternate 2 and 0.5, so its quantiles are
      // 0.5, 1.25 (between the two halves of 168), 2, 2 whatever the last block was
      assertThat(Arrays.copyOfRange(last.features(), 10, 14)).containsExactly(new double[] {0.5, 1.25, 2, 2}, within(1e-9));
      assertThat(Arrays.copyOfRange(last.features(), 14, 18)).containsExactly(new double[] {0.5, 1.25, 2, 2}, within(1e-9));
      // the peak a day before the next block is the next block's peak (24 blocks a day, period 2):
      // every ratio is 1, so all four quantiles forecast the alternation exactly
      assertThat(Arrays.copyOfRange(last.features(), 18, 22)).containsOnly(nextOverLast);
    }

    @Test
    void aBlocksInputs_doNotDependOnLaterSamples() {
      List<BlockFeatures.Block> calm = blocksOf(4, t -> 1.0 + (t % 7200 == 0 ? 1 : 0));
      List<BlockFeatures.Block> burst = blocksOf(4, t -> t > 3 * 86_400 ? 9.0 : 1.0 + (t % 7200 == 0 ? 1 : 0));
      int before = (int) (3 * 86_400 / HOUR) - 1;
      for (int b = 0; b < before; b++) {
        assertThat(burst.get(b).features()).containsExactly(calm.get(b).features());
      }
      assertThat(burst.get(before + 2).features()).isNotEqualTo(calm.get(before + 2).features());
    }

    /** Block peaks 1, 2, 1, … */
    private static final LongToDoubleFunction ALTERNATING = t -> Math.floorMod(Math.floorDiv(t - 1, HOUR), 2) == 0 ? 1.0 : 2.0;

    /** The hourly blocks of {@code days} of 5-minute samples. */
    private List<BlockFeatures.Block> blocksOf(int days, LongToDoubleFunction value) {
      BlockFeatures features = new BlockFeatures(HOUR, 0, 300, 0.01);
      List<BlockFeatures.Block> blocks = new ArrayList<>();
      for (long t = 0; t <= days * 86_400L; t += 300) {
        blocks.addAll(features.add(t, value.applyAsDouble(t)));
      }
      return blocks;
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

    @Test
    void overlappingSegments_startEveryStride_andTheLastEndsWithTheSequence() {
      TrainingSequence s = sequence(3);
      int n = s.blocks().size();
      List<double[][][]> disjoint = new LstmTrainer(48, 8, 1).segments(List.of(s), LEVELS.size());
      List<double[][][]> overlapping = new LstmTrainer(48, 12, 8, 1).segments(List.of(s), LEVELS.size());
      assertThat(disjoint).hasSize((n + 47) / 48);
      // starts 0, 12, ... up to the first segment that reaches the last block
      assertThat(overlapping).hasSize((n - 48 + 11) / 12 + 1);
      double[][][] second = overlapping.get(1);
      assertThat(second[0][0][0]).isEqualTo(s.blocks().get(12).features()[0]);
      double[][][] lastSegment = overlapping.get(overlapping.size() - 1);
      int lastStart = (overlapping.size() - 1) * 12;
      assertThat(lastStart + 48).isGreaterThanOrEqualTo(n);
      assertThat(lastSegment[0][0][n - 1 - lastStart]).isEqualTo(s.blocks().get(n - 1).features()[0]);
      assertThatThrownBy(() -> new LstmTrainer(48, 49, 8, 1)).isInstanceOf(IllegalArgumentException.class);
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
      double[][][] features = new double[1][BlockFeatures.COUNT][2];
      for (int i = 0; i < BlockFeatures.COUNT; i++) {
        features[0][i] = new double[] {0.1 * (i % 7), 1 + 0.05 * i};
      }
      INDArray in = Nd4j.create(features);
      assertThat(loaded.copyNetwork().output(in).ravel().toDoubleVector())
          .containsExactly(v2.copyNetwork().output(in).ravel().toDoubleVector(), within(1e-6));
    }

    @Test
    void skipsAnUnreadableVersion_forThePreviousOne_andNamesTheFile() throws Exception {
      LstmModelStore store = new LstmModelStore(dir);
      store.save(key, new LstmModel(LstmModel.newNetwork(LEVELS, 1), LEVELS, HOUR, 3900, 1, Instant.ofEpochSecond(T0)));
      store.save(key, new LstmModel(LstmModel.newNetwork(LEVELS, 2), LEVELS, HOUR, 3900, 2, Instant.ofEpochSecond(T0)));
      Path v2 = store.file(key, 2);
      Files.write(v2, Arrays.copyOf(Files.readAllBytes(v2), 100)); // truncated, as after a crash
      assertThat(store.loadLatest(key).orElseThrow().version()).isEqualTo(1);
      assertThat(store.nextVersion(key)).isEqualTo(3);
      assertThatThrownBy(() -> store.load(key, 2)).hasMessageContaining("lstm-v2.model");
    }

    @Test
    void refusesAModelOfAnotherInputShape_soItIsRetrainedRatherThanStepped() throws Exception {
      LstmModelStore store = new LstmModelStore(dir);
      LstmModel current = new LstmModel(LstmModel.newNetwork(LEVELS, 1), LEVELS, HOUR, 3900, 1, Instant.ofEpochSecond(T0));
      store.save(key, current);
      // the bytes of version 1 with the network swapped for one of 8 inputs (the format-2 features)
      MultiLayerNetwork old = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
          .layer(new LSTM.Builder().nIn(8).nOut(4).build())
          .layer(new RnnOutputLayer.Builder().nIn(4).nOut(LEVELS.size()).build())
          .build());
      old.init();
      java.io.ByteArrayOutputStream net = new ByteArrayOutputStream();
      ModelSerializer.writeModel(old, net, false);
      java.io.ByteArrayOutputStream file = new ByteArrayOutputStream();
      try (var in = new ZipInputStream(Files.newInputStream(store.file(key, 1)));
          var out = new ZipOutputStream(file)) {
        for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          out.putNextEntry(new ZipEntry(e.getName()));
          out.write(e.getName().equals("network.zip") ? net.toByteArray() : in.readAllBytes());
          out.closeEntry();
        }
      }
      Files.write(store.file(key, 1), file.toByteArray());
      assertThatThrownBy(() -> store.load(key, 1)).hasMessageContaining("lstm-v1.model")
          .hasMessageContaining("does not fit " + BlockFeatures.COUNT + " features");
      assertThat(store.loadLatest(key)).as("no usable version: the trainer starts a first one").isEmpty();
      assertThat(store.nextVersion(key)).isEqualTo(2);
    }

    @Test
    void refusesAnOlderFormat_namingIt() throws Exception {
      LstmModelStore store = new LstmModelStore(dir);
      store.save(key, new LstmModel(LstmModel.newNetwork(LEVELS, 1), LEVELS, HOUR, 3900, 1, Instant.ofEpochSecond(T0)));
      byte[] bytes = Files.readAllBytes(store.file(key, 1));
      java.io.ByteArrayOutputStream file = new ByteArrayOutputStream();
      try (var in = new ZipInputStream(new ByteArrayInputStream(bytes));
          var out = new ZipOutputStream(file)) {
        for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          out.putNextEntry(new ZipEntry(e.getName()));
          byte[] b = in.readAllBytes();
          out.write(e.getName().equals("model.properties")
              ? new String(b, StandardCharsets.ISO_8859_1)
                  .replace("format=" + LstmModelStore.FORMAT, "format=2").getBytes(StandardCharsets.ISO_8859_1)
              : b);
          out.closeEntry();
        }
      }
      Files.write(store.file(key, 1), file.toByteArray());
      assertThatThrownBy(() -> store.load(key, 1)).hasMessageContaining("model format 2");
      assertThat(store.loadLatest(key)).isEmpty();
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
