package dev.umbra.shadow.forecast.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileLevels;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class WorkloadTrainerTest {
  static final long T0 = 1_764_300_000L;
  static final QuantileLevels LEVELS = QuantileLevels.DEFAULT;
  static final TrainingPlan PLAN = TrainingPlan.live(Horizon.DEFAULT, LEVELS, 0.01);

  @BeforeAll
  static void oneThread() {
    NativeThreads.limit(1);
  }

  /** A run of {@code seconds} 1 s samples of a CPU-like series with a 10-minute cycle and spikes. */
  static SampleRun run(String id, long from, int seconds, long seed) {
    Random random = new Random(seed);
    long[] t = new long[seconds];
    double[] v = new double[seconds];
    for (int i = 0; i < seconds; i++) {
      t[i] = from + i;
      v[i] = 1 + 0.5 * Math.sin(2 * Math.PI * i / 600.0) + 0.2 * random.nextDouble() + (random.nextInt(200) == 0 ? 1 : 0);
    }
    return new SampleRun(id, t, v);
  }

  @Nested
  class Training {
    @Test
    void trainsAFirstVersion_thenAnIncrementalOne_fromThePrevious() throws Exception {
      WorkloadTrainer trainer = new WorkloadTrainer(PLAN, 7);
      SampleRun a = run("p1", T0, 3 * 3600, 1);
      LstmModel v1 = trainer.train(List.of(a), Optional.empty(), 1, Instant.ofEpochSecond(T0 + 3 * 3600), () -> false);
      assertThat(v1.version()).isEqualTo(1);
      assertThat(v1.blockSec()).isEqualTo(60);
      assertThat(v1.horizonSec()).isEqualTo(60);
      SampleRun b = run("p1", T0, 4 * 3600, 1);
      LstmModel v2 = trainer.train(List.of(b), Optional.of(v1), 2, Instant.ofEpochSecond(T0 + 4 * 3600), () -> false);
      assertThat(v2.version()).isEqualTo(2);
      assertThat(v2.trainedUntil()).isAfter(v1.trainedUntil());
      assertThat(v2.network()).isNotSameAs(v1.network());
      INDArray in = Nd4j.rand(1, BlockFeatures.COUNT, 5);
      assertThat(v2.copyNetwork().output(in).ravel().toDoubleVector())
          .isNotEqualTo(v1.copyNetwork().output(in).ravel().toDoubleVector());
    }

    @Test
    void saysHowMuchIsMissing_whenHistoryIsTooShort() {
      WorkloadTrainer trainer = new WorkloadTrainer(PLAN, 7);
      assertThatThrownBy(() -> trainer.train(List.of(run("p1", T0, 600, 1)), Optional.empty(), 1,
          Instant.ofEpochSecond(T0 + 600), () -> false))
          .isInstanceOf(InsufficientHistoryException.class)
          .hasMessageContaining("with a known target")
          .hasMessageContaining("need 30");
    }

    @Test
    void trainsOnTheNewestBlocksOnly_anEqualShareOfTheBoundPerRun() {
      // at most 60 blocks per fit, and 60 known targets needed: the counts in the message are what was kept
      TrainingPlan bounded = new TrainingPlan(1, 60, 60, 5, 0.01, LEVELS, 15, 2, 7200, 60, 60);
      WorkloadTrainer trainer = new WorkloadTrainer(bounded, 7);
      Instant until = Instant.ofEpochSecond(T0 + 3 * 3600);
      // one run of 180 blocks keeps its newest 60, of which the last has no target yet
      assertThatThrownBy(() -> trainer.train(List.of(run("p1", T0, 3 * 3600, 1)), Optional.empty(), 1, until,
          () -> false)).isInstanceOf(InsufficientHistoryException.class).hasMessageStartingWith("59 blocks");
      // two runs keep 30 each
      assertThatThrownBy(() -> trainer.train(List.of(run("p1", T0, 3 * 3600, 1), run("p2", T0, 3 * 3600, 2)),
          Optional.empty(), 1, until, () -> false)).hasMessageStartingWith("58 blocks");
      // a run shorter than its share leaves the rest to the next: 10 + 50 blocks
      assertThatThrownBy(() -> trainer.train(List.of(run("p1", T0 + 3 * 3600 - 600, 600, 1),
          run("p2", T0, 3 * 3600, 2)), Optional.empty(), 1, until, () -> false)).hasMessageStartingWith("58 blocks");
    }

    @Test
    void refusesABoundBelowTheBlocksAVersionNeeds() {
      assertThatThrownBy(() -> PLAN.withMaxBlocks(29)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at most 29 blocks per fit is fewer than the 30");
    }

    @Test
    void stopsBetweenMinibatches_whenCancelled() {
      WorkloadTrainer trainer = new WorkloadTrainer(PLAN, 7);
      AtomicInteger polls = new AtomicInteger();
      assertThatThrownBy(() -> trainer.train(List.of(run("p1", T0, 3 * 3600, 1)), Optional.empty(), 1,
          Instant.ofEpochSecond(T0 + 3 * 3600), () -> polls.incrementAndGet() > 2))
          .isInstanceOf(CancellationException.class);
      assertThat(polls.get()).isEqualTo(3);
    }
  }

  @Nested
  class Persistence {
    @TempDir Path dir;

    @Test
    void roundTripsThroughBytesAndTheStore_andVersionsIncrease() throws Exception {
      WorkloadTrainer trainer = new WorkloadTrainer(PLAN, 7);
      LstmModelStore store = new LstmModelStore(dir);
      ModelKey key = ModelKey.of("wl-1", "cpu.process", Horizon.DEFAULT);
      LstmModel v1 = trainer.train(List.of(run("p1", T0, 3 * 3600, 1)), Optional.empty(), store.nextVersion(key),
          Instant.ofEpochSecond(T0 + 3 * 3600), () -> false);
      store.save(key, v1);
      LstmModel v2 = trainer.train(List.of(run("p1", T0, 4 * 3600, 2)), store.loadLatest(key), store.nextVersion(key),
          Instant.ofEpochSecond(T0 + 4 * 3600), () -> false);
      store.save(key, v2);
      assertThat(store.versions(key)).containsExactly(1, 2);
      LstmModel back = LstmModelStore.fromBytes(LstmModelStore.toBytes(v2));
      LstmModel reloaded = store.loadLatest(key).orElseThrow();
      INDArray in = Nd4j.rand(1, BlockFeatures.COUNT, 7);
      double[] expected = v2.copyNetwork().output(in).ravel().toDoubleVector();
      assertThat(back.copyNetwork().output(in).ravel().toDoubleVector()).containsExactly(expected, within(1e-6));
      assertThat(reloaded.copyNetwork().output(in).ravel().toDoubleVector()).containsExactly(expected, within(1e-6));
      assertThat(reloaded.versionLabel()).isEqualTo(v2.versionLabel());
      store.prune(key, 1);
      assertThat(store.versions(key)).containsExactly(2);
    }

    @Test
    void refusesBytesThatAreNotAModel() {
      assertThatThrownBy(() -> LstmModelStore.fromBytes(new byte[] {1, 2, 3}))
          .isInstanceOf(java.io.IOException.class).hasMessageContaining("not an umbra LSTM model");
    }
  }

  @Nested
  class Samples {
    @Test
    void refusesNaNNegativeAndBackwardSamples_namingTheIndex() {
      assertThatThrownBy(() -> new SampleRun("p", new long[] {1, 2}, new double[] {1, Double.NaN}))
          .hasMessageContaining("value 1 is NaN");
      assertThatThrownBy(() -> new SampleRun("p", new long[] {1, 2}, new double[] {-1, 1}))
          .hasMessageContaining("value 0 is -1.0");
      assertThatThrownBy(() -> new SampleRun("p", new long[] {2, 2}, new double[] {1, 1}))
          .hasMessageContaining("does not increase");
    }

    @Test
    void averagesGridSecondsIntoSteps_andLeavesHolesOut() {
      double[] grid = {1, 3, Double.NaN, Double.NaN, Double.NaN, 5, 7, -1, 9, 11};
      SampleRun r = SampleRun.fromGrid("p", 100, grid, 2);
      // steps [100,101] [102,103] [104,105] [106,107] [108,109]: the second is empty, the third
      // has one of two seconds (kept), -1 counts as missing
      assertThat(r.timesSec()).containsExactly(101, 105, 107, 109);
      assertThat(r.values()).containsExactly(2, 5, 7, 10);
    }
  }
}
