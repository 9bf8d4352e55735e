package dev.umbra.shadow.forecast.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.LstmModelStore;
import dev.umbra.shadow.forecast.lstm.ModelEvidence;
import dev.umbra.shadow.forecast.lstm.ModelKey;
import dev.umbra.shadow.forecast.lstm.NativeThreads;
import dev.umbra.shadow.forecast.lstm.WorkloadIdentity;
import dev.umbra.shadow.metrics.ShadowMetrics;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.series.PrimaryRecord;
import dev.umbra.shadow.series.Retention;
import dev.umbra.shadow.series.SeriesName;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.series.WriteGroup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Background training and batched live inference over a real series store (DuckDB in a temp folder). */

class LearnedModelsTest {
  private static final SeriesName CPU = SeriesName.of("cpu.process");
  private static final String WORKLOAD = "wl-orders";

  @TempDir Path data;
  private final Clock clock = Clock.systemUTC();
  private final long start = Instant.now().getEpochSecond() - 5 * 3600;
  private SeriesStore store;
  private LearnedModels live;

  private final LearningSettings settings = new LearningSettings(List.of("cpu.process"), List.of(Horizon.DEFAULT),
      QuantileLevels.DEFAULT, Duration.ofHours(1), Duration.ofMillis(100), Duration.ofDays(1), 10, 1000);

  @AfterEach
  void close() {
    if (live != null) {
      live.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private static double cpu(long second, Random random) {
    return 1 + 0.5 * Math.sin(2 * Math.PI * second / 600.0) + 0.2 * random.nextDouble() + (random.nextInt(200) == 0 ? 1 : 0);
  }

  /** Stores {@code seconds} of a primary's CPU from {@code from}, as ingest would. */
  private void record(String primary, long from, int seconds, long seed) throws Exception {
    record(primary, WORKLOAD, from, seconds, seed);
  }

  /** As {@link #record(String, long, int, long)}, for a primary of {@code workload}. */
  private void record(String primary, String workload, long from, int seconds, long seed) throws Exception {
    Random random = new Random(seed);
    List<GridPoint> points = new ArrayList<>();
    for (long s = from; s < from + seconds; s++) {
      points.add(new GridPoint(primary, CPU, "", s, cpu(s, random)));
    }
    PrimaryRecord record = new PrimaryRecord(primary, workload, "Orders", "h", 1, from * 1000, from * 1000,
        (from + seconds) * 1000L, "test", 0);
    store.submit(new WriteGroup(points, List.of(record), () -> {}));
    store.awaitDurable(Duration.ofSeconds(60));
  }

  private SeriesStore openStore() {
    return new SeriesStore(data, new Retention(Duration.ofDays(1), Duration.ofDays(30)), 3600, clock, new ShadowMetrics());
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Feeds {@code seconds} of two live primaries, one tick per second carrying both, into the store and the streams. */
  private void feedLive(long from, int seconds) {
    Random r1 = new Random(11);
    Random r2 = new Random(12);
    for (long s = from; s < from + seconds; s++) {
      GridPoint a = new GridPoint("p1", CPU, "", s, cpu(s, r1));
      GridPoint b = new GridPoint("p2", CPU, "", s, 0.5 * cpu(s, r2));
      store.submit(new WriteGroup(List.of(a, b), List.of(), () -> {}));
      live.streams().process(List.of(new OnlineInference.Tick(WORKLOAD, "p1", List.of(a)),
          new OnlineInference.Tick(WORKLOAD, "p2", List.of(b))));
    }
  }

  @Test
  void trainsOnEarlierRuns_stepsPrimariesInOneBatch_andSaysWhichModelServesAndWhy() throws Exception {
    store = openStore();
    record("p0", start, 3 * 3600, 1); // an earlier run of the same workload
    live = new LearnedModels(store, data.resolve("models"), settings, clock);
    long liveFrom = start + 3 * 3600;
    feedLive(liveFrom, 5); // the workload is live: the trainer picks it up
    ModelKey key = ModelKey.of(WORKLOAD, "cpu.process", Horizon.DEFAULT);
    await(() -> live.training().model(key).isPresent(), Duration.ofMinutes(3), "a first model");
    assertThat(new LstmModelStore(data.resolve("models")).versions(key)).containsExactly(1);

    feedLive(liveFrom + 5, 3600);

    long[] stats = live.streams().stepStats();
    assertThat(stats[0]).as("batched calls").isGreaterThan(30);
    assertThat(stats[1]).as("both primaries in every call").isEqualTo(2 * stats[0]);
    store.awaitDurable(Duration.ofSeconds(60));
    PrimaryForecasts forecasts = new PrimaryForecasts(store, clock, live);
    QuantileForecast f = forecasts.forecast("p1", CPU, Horizon.DEFAULT, QuantileLevels.of(0.1, 0.5, 0.9));
    assertThat(f.model()).isIn("lstm", "ewma", "recent-peak");
    assertThat(f.selection()).hasValueSatisfying(why -> assertThat(why).contains("leads: rolling pinball lstm"));
    assertThat(f.levels()).isEqualTo(QuantileLevels.of(0.1, 0.5, 0.9));
    double[] peak = f.peakQuantiles();
    assertThat(peak).isSorted();
    assertThat(f.probabilityPeakAbove(peak[2])).isBetween(0.0, 0.2);
  }

  @Test
  void saysWhatIsMissing_andRefusesAnUnknownPrimary() throws Exception {
    store = openStore();
    Horizon tenMinutes = new Horizon(60, Duration.ofSeconds(10));
    LearningSettings both = new LearningSettings(List.of("cpu.process"), List.of(Horizon.DEFAULT, tenMinutes),
        QuantileLevels.DEFAULT, Duration.ofHours(1), Duration.ofMillis(100), Duration.ofDays(1), 10, 1000);
    live = new LearnedModels(store, data.resolve("models"), both, clock);
    feedLive(start, 40 * 60);
    store.awaitDurable(Duration.ofSeconds(60));
    PrimaryForecasts forecasts = new PrimaryForecasts(store, clock, live);
    QuantileForecast f = forecasts.forecast("p1", CPU, Horizon.DEFAULT, QuantileLevels.DEFAULT);
    // 40 minutes: the baselines forecast at 60 x 1 s, the LSTM has not been scored enough
    assertThat(f.selection()).hasValueSatisfying(why -> assertThat(why).contains("lstm scored on"));
    // 4 blocks of 10 minutes per run: too little to train, and the trainer says so
    await(() -> live.training().problem(ModelKey.of(WORKLOAD, "cpu.process", tenMinutes)).contains("need 30"),
        Duration.ofMinutes(2), "the trainer's reason");
    QuantileForecast slow = forecasts.forecast("p1", CPU, tenMinutes, QuantileLevels.DEFAULT);
    assertThat(slow.fallbackReason()).isPresent();
    assertThat(slow.selection()).hasValueSatisfying(why -> assertThat(why).contains("replayed baselines; live selector"));
    QuantileForecast other = forecasts.forecast("p1", CPU, new Horizon(12, Duration.ofSeconds(5)), QuantileLevels.DEFAULT);
    assertThat(other.selection()).hasValueSatisfying(why -> assertThat(why).contains("live models serve"));
    assertThatThrownBy(() -> forecasts.forecast("nobody", CPU, Horizon.DEFAULT, QuantileLevels.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody");
  }

  @Test
  void reloadsTheSavedVersion_whenTheWorkloadComesBack() throws Exception {
    NativeThreads.limit(1);
    ModelKey key = ModelKey.of(WORKLOAD, "cpu.process", Horizon.DEFAULT);
    LstmModel saved = new LstmModel(LstmModel.newNetwork(QuantileLevels.DEFAULT, 5), QuantileLevels.DEFAULT, 60, 60, 4,
        Instant.ofEpochSecond(start));
    new LstmModelStore(data.resolve("models")).save(key, saved);
    store = openStore();
    live = new LearnedModels(store, data.resolve("models"), settings, clock);
    feedLive(start, 3);
    await(() -> live.training().model(key).isPresent(), Duration.ofMinutes(1), "the saved model");
    assertThat(live.training().model(key).orElseThrow().versionLabel()).isEqualTo(saved.versionLabel());
  }

  @Test
  void trainsOnOneNicedThread_andStopsMidFitOnClose() throws Exception {
    store = openStore();
    record("p0", start, 5 * 3600, 1);
    live = new LearnedModels(store, data.resolve("models"), settings, clock);
    Thread trainer = live.training().thread();
    assertThat(trainer.getName()).startsWith("umbra-train-");
    feedLive(start + 5 * 3600, 3);
    await(() -> live.training().versionsTrained() > 0 || Arrays.stream(trainer.getStackTrace())
        .anyMatch(e -> e.getClassName().endsWith("LstmTrainer")), Duration.ofMinutes(2), "a fit to start");
    boolean caughtMidFit = live.training().versionsTrained() == 0;
    assertThat(NativeThreads.current()).isEqualTo(1);
    assumeThat(LowPriority.currentNice()).as("Linux /proc").isNotEqualTo(Integer.MIN_VALUE);
    assertThat(live.training().nice()).isEqualTo(LowPriority.NICE);
    live.training().close();
    assertThat(trainer.isAlive()).isFalse();
    if (caughtMidFit) {
      assertThat(new LstmModelStore(data.resolve("models")).versions(ModelKey.of(WORKLOAD, "cpu.process",
          Horizon.DEFAULT))).isEmpty();
    }
  }

  /** Version 1 of {@code key}, a fresh 5-block network, saved with evidence that the LSTM led or not. */
  private void saveVersionOne(LstmModelStore saved, ModelKey key, boolean lstmLed) throws Exception {
    saved.save(key, new LstmModel(LstmModel.newNetwork(QuantileLevels.DEFAULT, 5), QuantileLevels.DEFAULT, 5, 5, 1,
        Instant.ofEpochSecond(start)));
    saved.saveEvidence(key, 1, new ModelEvidence("p0", 30, lstmLed, (lstmLed ? "lstm" : "ewma")
        + " leads: rolling pinball lstm 0.040 vs ewma 0.050 over 30 horizons"));
  }

  /** A model of workload {@code wl-first} at 5 x 1 s, saved with the evidence given, and its identity. */
  private Horizon savedNeighbour(boolean lstmLed) throws Exception {
    NativeThreads.limit(1);
    Horizon lead = new Horizon(5, Duration.ofSeconds(1));
    LstmModelStore saved = new LstmModelStore(data.resolve("models"));
    ModelKey earlier = ModelKey.of("wl-first", "cpu.process", lead);
    saveVersionOne(saved, earlier, lstmLed);
    saved.saveIdentity(new WorkloadIdentity("wl-first", "Orders", List.of("-Xmx256m"), 256L << 20));
    store = openStore();
    live = new LearnedModels(store, data.resolve("models"),
        new LearningSettings(List.of("cpu.process"), List.of(lead), QuantileLevels.DEFAULT, Duration.ofHours(1),
            Duration.ofMillis(100), Duration.ofDays(1), 10, 1000), clock);
    // a primary of another workload hash (another argument), the same main class and flags, says hello
    live.offer("p1", () -> new WorkloadIdentity(WORKLOAD, "Orders", List.of("-Xmx256m"), 256L << 20),
        List.of(new GridPoint("p1", CPU, "", start, 1.0)));
    ModelKey own = ModelKey.of(WORKLOAD, "cpu.process", lead);
    await(() -> live.training().served(own).isPresent(), Duration.ofMinutes(1), "the neighbour's model");
    return lead;
  }

  @Test
  void aNewWorkload_isServedByItsNearestNeighboursLstm_fromItsFirstBlocks_whenThatModelWonItsBacktest()
      throws Exception {
    Horizon lead = savedNeighbour(true);
    feedLive(start + 1, 30); // six blocks of 5 s: far from the 24 horizons a stream of its own would need
    store.awaitDurable(Duration.ofSeconds(60));

    QuantileForecast f = new PrimaryForecasts(store, clock, live).forecast("p1", CPU, lead, QuantileLevels.DEFAULT);

    assertThat(f.model()).isEqualTo("lstm");
    assertThat(f.modelVersion()).startsWith("lstm-v1@");
    assertThat(f.selection()).hasValueSatisfying(why -> assertThat(why).contains("leads on carried evidence",
        "earlier run p0 of workload wl-first", "same main Orders, other arguments", "this run scored 0 of 24"));
    assertThat(live.streams().lstmServing()).isEqualTo(2);
  }

  @Test
  void aNewWorkload_keepsTheBaselines_whenItsNeighboursLstmLostItsBacktest_andSaysSo() throws Exception {
    Horizon lead = savedNeighbour(false);
    feedLive(start + 1, 200); // the baselines forecast after 24 horizons of 5 s
    store.awaitDurable(Duration.ofSeconds(60));

    QuantileForecast f = new PrimaryForecasts(store, clock, live).forecast("p1", CPU, lead, QuantileLevels.DEFAULT);

    assertThat(f.model()).isIn("ewma", "recent-peak");
    assertThat(f.selection()).hasValueSatisfying(why -> assertThat(why).contains(
        "baselines kept: on earlier run p0 of workload wl-first", "ewma leads"));
    assertThat(live.streams().lstmServing()).isZero();
  }

  @Test
  void aNewWorkload_withNoNearWorkload_isTrainedTheGlobalModelFromOtherWorkloads_thenFineTunesItsOwnFromIt()
      throws Exception {
    Horizon lead = new Horizon(5, Duration.ofSeconds(1));
    store = openStore();
    record("p0", "wl-billing", start, 1800, 1); // another program recorded earlier: 360 blocks of 5 s
    live = new LearnedModels(store, data.resolve("models"), leadSettings(lead), clock);
    live.offer("p1", () -> new WorkloadIdentity(WORKLOAD, "Orders", List.of("-Xmx256m"), 256L << 20),
        List.of(new GridPoint("p1", CPU, "", start + 1800, 1.0)));
    ModelKey own = ModelKey.of(WORKLOAD, "cpu.process", lead);

    await(() -> live.training().served(own).isPresent(), Duration.ofMinutes(2), "the global model");

    ServedModel served = live.training().served(own).orElseThrow();
    assertThat(served.global()).isTrue();
    assertThat(served.origin()).contains("global model");
    assertThat(served.evidence()).hasValueSatisfying(e -> assertThat(e.runId()).isEqualTo("p0"));
    assertThat(new LstmModelStore(data.resolve("models")).versions(ModelKey.of("global", "cpu.process", lead)))
        .containsExactly(1);
    feedLive(start + 1801, 230); // 46 blocks of 5 s of its own
    await(() -> live.training().model(own).isPresent(), Duration.ofMinutes(2), "the workload's own first version");
    assertThat(live.training().served(own).orElseThrow().global()).isFalse();
  }

  @Test
  void aNewWorkload_withNoNearWorkload_isServedByTheGlobalModel_andItsForecastsAndDecisionsNameIt() throws Exception {
    NativeThreads.limit(1);
    Horizon lead = new Horizon(5, Duration.ofSeconds(1));
    LstmModelStore saved = new LstmModelStore(data.resolve("models"));
    ModelKey global = ModelKey.of("global", "cpu.process", lead);
    saveVersionOne(saved, global, true);
    saved.saveIdentity(new WorkloadIdentity("wl-billing", "Billing", List.of("-Xmx256m"), 256L << 20));
    store = openStore();
    live = new LearnedModels(store, data.resolve("models"), leadSettings(lead), clock);
    // another main class: wl-billing is not near
    live.offer("p1", () -> new WorkloadIdentity(WORKLOAD, "Orders", List.of("-Xmx256m"), 256L << 20),
        List.of(new GridPoint("p1", CPU, "", start, 1.0)));
    ModelKey own = ModelKey.of(WORKLOAD, "cpu.process", lead);
    await(() -> live.training().served(own).isPresent(), Duration.ofMinutes(1), "the global model");
    feedLive(start + 1, 30);
    store.awaitDurable(Duration.ofSeconds(60));

    QuantileForecast f = new PrimaryForecasts(store, clock, live).forecast("p1", CPU, lead, QuantileLevels.DEFAULT);

    assertThat(f.model()).isEqualTo("lstm-global"); // the name a resource manager decision carries
    assertThat(f.modelVersion()).startsWith("lstm-v1@");
    assertThat(f.selection()).hasValueSatisfying(why -> assertThat(why).contains("leads on carried evidence",
        "earlier run p0 of the global model"));
  }

  private static LearningSettings leadSettings(Horizon lead) {
    return new LearningSettings(List.of("cpu.process"), List.of(lead), QuantileLevels.DEFAULT, Duration.ofHours(1),
        Duration.ofMillis(100), Duration.ofDays(1), 10, 1000);
  }
}
