package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.LstmModelStore;
import dev.umbra.shadow.forecast.lstm.ModelEvidence;
import dev.umbra.shadow.forecast.lstm.ModelKey;
import dev.umbra.shadow.forecast.lstm.NativeThreads;
import dev.umbra.shadow.forecast.lstm.SampleRun;
import dev.umbra.shadow.forecast.lstm.TrainingPlan;
import dev.umbra.shadow.forecast.lstm.WorkloadTrainer;
import dev.umbra.shadow.series.SeriesName;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.threads.ShadowThreads;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background training of each live workload's LSTMs on one thread, {@code umbra-train-1}: nice
 * 19, ND4J/OpenMP/BLAS limited to one thread, javacpp's off-heap memory capped (unless the
 * launcher set a cap). Every {@link LearningSettings#checkEvery()} it looks at the workloads
 * with live streams; for each model key it first loads the newest saved version and its evidence
 * (so a restarted shadow forecasts with what it learned before), and those of near workloads
 * ({@link Neighbours}); then, at most every {@link LearningSettings#trainEvery()} (at the next
 * check while history is too short), reads the runs of the workload and of its near workloads
 * from the series store, trains a new version ({@link WorkloadTrainer}: from scratch, or
 * fine-tuned from the previous one, or from the nearest workload's, on the newer data), backtests
 * it ({@link EvidenceBacktest}), saves both and publishes them. A key without a version of its
 * own is served with its nearest workload's, and when no workload is near, with the <em>global
 * model</em> of its target ({@link #served}): trained on the runs of every recorded workload (the
 * inputs are scale-free, {@link dev.umbra.shadow.forecast.lstm.BlockFeatures}), kept as workload
 * {@value #GLOBAL}, trained only while some live workload has neither a model of its own nor a
 * near one, and the version a new workload's first own version is fine-tuned from. Forecast
 * queries and ingest never wait for it; {@link #close} cancels a fit between minibatches.
 */
public final class ModelTraining implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ModelTraining.class);
  /** Versions kept on disk per key. */
  static final int KEEP_VERSIONS = 3;
  /** The workload the global models are kept under ({@code DATA/models/global/<target>}); workload hashes are hex. */
  static final String GLOBAL = "global";
  static final String GLOBAL_ORIGIN = "the global model (trained across the recorded workloads)";
  private static final String OWN_ORIGIN = "the same workload";

  private final SeriesStore store;
  private final LstmModelStore saved;
  private final Supplier<Map<String, Set<String>>> liveWorkloads;
  private final LearningSettings settings;
  private final Clock clock;
  private final Neighbours neighbours;
  private final Map<ModelKey, ServedModel> published = new ConcurrentHashMap<>();
  private final Map<ModelKey, String> problems = new ConcurrentHashMap<>();
  private final Map<ModelKey, Long> lastAttempt = new ConcurrentHashMap<>();
  private final Set<ModelKey> loaded = new HashSet<>();
  private final Object wake = new Object();
  private final Thread thread;
  private volatile boolean closed;
  private volatile int nice = Integer.MIN_VALUE;
  private volatile long versionsTrained;
  private boolean nativeReady;

  /**
   * @param liveWorkloads the workloads with live streams and their primaries
   */
  ModelTraining(SeriesStore store, LstmModelStore saved, Neighbours neighbours,
      Supplier<Map<String, Set<String>>> liveWorkloads, LearningSettings settings, Clock clock) {
    this.store = store;
    this.saved = saved;
    this.neighbours = neighbours;
    this.liveWorkloads = liveWorkloads;
    this.settings = settings;
    this.clock = clock;
    this.thread = ShadowThreads.factory("train", true).newThread(this::loop);
    thread.start();
  }

  /** The newest published model of a key (its own workload's). Thread-safe. */
  public Optional<LstmModel> model(ModelKey key) {
    return Optional.ofNullable(published.get(key)).map(ServedModel::model);
  }

  /**
   * The model a key is served with: its workload's own newest version, else that of the nearest
   * workload ({@link Neighbours}) with a version for the same target, else the target's global
   * model. Thread-safe.
   */
  Optional<ServedModel> served(ModelKey key) {
    ServedModel own = published.get(key);
    if (own != null) {
      return Optional.of(own);
    }
    for (Neighbours.Near near : neighbours.of(key.workload())) {
      ServedModel theirs = published.get(new ModelKey(near.identity().workload(), key.target()));
      if (theirs != null) {
        return Optional.of(new ServedModel(theirs.model(), near.description(), theirs.evidence()));
      }
    }
    return Optional.ofNullable(published.get(globalKey(key)));
  }

  static ModelKey globalKey(ModelKey key) {
    return new ModelKey(GLOBAL, key.target());
  }

  /** Why a key has no model (yet). Thread-safe. */
  public String problem(ModelKey key) {
    return problems.getOrDefault(key, "not trained yet (the trainer looks every " + settings.checkEvery() + ")");
  }

  /** The training thread's nice value once it has started, or {@code Integer.MIN_VALUE}. */
  public int nice() {
    return nice;
  }

  /** The training thread (tests check its bounds). */
  Thread thread() {
    return thread;
  }

  public long versionsTrained() {
    return versionsTrained;
  }

  /** Asks the trainer to look for work now rather than at its next check. */
  public void wakeUp() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private void loop() {
    nice = LowPriority.applyToCurrentThread();
    NativeThreads.capMemory(NativeThreads.DEFAULT_MAX_BYTES);
    while (!closed) {
      try {
        cycle();
      } catch (CancellationException e) {
        return;
      } catch (RuntimeException e) {
        logger.error("model training cycle failed; next try in {}", settings.checkEvery(), e);
      }
      synchronized (wake) {
        if (closed) {
          return;
        }
        try {
          wake.wait(settings.checkEvery().toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void cycle() {
    neighbours.saveNew();
    for (Map.Entry<String, Set<String>> w : liveWorkloads.get().entrySet()) {
      for (String series : settings.targets()) {
        for (Horizon horizon : settings.horizons()) {
          if (closed) {
            throw new CancellationException("closing");
          }
          ModelKey key = ModelKey.of(w.getKey(), series, horizon);
          if (loaded.add(key)) {
            reload(key);
          }
          for (Neighbours.Near near : neighbours.of(w.getKey())) {
            ModelKey theirs = ModelKey.of(near.identity().workload(), series, horizon);
            if (loaded.add(theirs)) {
              reload(theirs); // a near workload's saved model, to start from
            }
          }
          if (served(key).map(ServedModel::global).orElse(true)) { // nothing of its own or of a near workload
            ModelKey global = globalKey(key);
            if (loaded.add(global)) {
              reload(global);
            }
            attempt(global, horizon, () -> trainGlobal(global, key.workload(), series, horizon));
          }
          attempt(key, horizon, () -> train(key, series, horizon, new TrainingRuns(store, settings)
              .read(key.workload(), neighbours.of(key.workload()), SeriesName.of(series), horizon, w.getValue()),
              served(key)));
        }
      }
    }
  }

  /** Runs {@code fit} when the key is due: at most every trainEvery, sooner after too little history. */
  private void attempt(ModelKey key, Horizon horizon, BooleanSupplier fit) {
    long now = clock.millis();
    Long last = lastAttempt.get(key);
    if (last == null || now - last >= settings.trainEvery().toMillis()) {
      lastAttempt.put(key, now);
      if (!fit.getAsBoolean()) {
        lastAttempt.put(key, now - settings.trainEvery().toMillis() + retryMillis(horizon));
      }
    }
  }

  /** A version of the global model, when another workload than {@code asking} has recorded runs. */
  private boolean trainGlobal(ModelKey global, String asking, String series, Horizon horizon) {
    Optional<List<SampleRun>> runs =
        new TrainingRuns(store, settings).readAcrossWorkloads(asking, SeriesName.of(series), horizon);
    if (runs.isEmpty()) {
      problems.put(global, "no other workload recorded yet");
      return false;
    }
    return train(global, series, horizon, runs.get(), Optional.ofNullable(published.get(global)));
  }

  /**
   * When too little history was found, look again after two horizons (two more blocks), at least
   * the check period and at most {@link LearningSettings#trainEvery()}: a fast horizon (the
   * manager's lead) trains within seconds of having enough, a slow one is not re-read every check.
   */
  private long retryMillis(Horizon horizon) {
    long twoBlocks = 2 * horizon.duration().toMillis();
    return Math.min(settings.trainEvery().toMillis(), Math.max(settings.checkEvery().toMillis(), twoBlocks));
  }

  private void ensureNative() {
    if (!nativeReady) {
      NativeThreads.limit(1);
      nativeReady = true;
    }
  }

  private void reload(ModelKey key) {
    try {
      if (saved.versions(key).isEmpty()) {
        return;
      }
      ensureNative();
      saved.loadLatest(key).ifPresent(m -> {
        Optional<ModelEvidence> evidence = saved.loadEvidence(key, m.version());
        published.put(key, published(key, m, evidence));
        logger.info("model={} version={} loaded from disk; evidence: {}", key, m.versionLabel(),
            evidence.map(ModelEvidence::summary).orElse("none"));
      });
    } catch (IOException e) {
      logger.warn("model={} cannot be loaded: {}", key, e.getMessage());
    }
  }

  /**
   * Trains a version of {@code key} on {@code runs}, fine-tuned from {@code previous} when there
   * is one (the key's own version, a near workload's or the global one); false when there was too
   * little history (retried at the next check).
   */
  private boolean train(ModelKey key, String series, Horizon horizon, List<SampleRun> runs,
      Optional<ServedModel> previous) {
    long newest = runs.stream().mapToLong(r -> r.size() == 0 ? Long.MIN_VALUE : r.timesSec()[r.size() - 1])
        .max().orElse(Long.MIN_VALUE);
    if (newest == Long.MIN_VALUE) {
      problems.put(key, "no history of " + series + " for this workload or a near one");
      return false;
    }
    ServedModel own = published.get(key);
    if (own != null && newest < own.model().trainedUntil().getEpochSecond() + horizon.duration().toSeconds()) {
      return true; // nothing new since the last version
    }
    TrainingPlan plan = TrainingPlan.live(horizon, settings.levels(), SeriesProfile.ofCanonical(series).floor(),
        settings.minBlocks());
    long start = System.nanoTime();
    try {
      ensureNative();
      LstmModel model = new WorkloadTrainer(plan, key.hashCode()).train(runs, previous.map(ServedModel::model),
          saved.nextVersion(key), Instant.ofEpochSecond(newest), () -> closed);
      Optional<ModelEvidence> evidence = new EvidenceBacktest(series, horizon, settings.levels()).run(model, runs);
      saved.save(key, model);
      if (evidence.isPresent()) {
        saved.saveEvidence(key, model.version(), evidence.get());
      }
      saved.prune(key, KEEP_VERSIONS);
      published.put(key, published(key, model, evidence));
      problems.remove(key);
      versionsTrained++;
      logger.info("model={} version={} trained on {} run(s){} in {} ms; evidence: {}", key, model.versionLabel(),
          runs.size(), previous.filter(p -> !p.origin().equals(OWN_ORIGIN))
              .map(p -> " from the model of " + p.origin()).orElse(""),
          (System.nanoTime() - start) / 1_000_000, evidence.map(ModelEvidence::summary).orElse("none"));
      return true;
    } catch (InsufficientHistoryException e) {
      problems.put(key, e.getMessage());
      return false;
    } catch (IOException e) {
      problems.put(key, "saving failed: " + e.getMessage());
      logger.warn("model={} could not be saved: {}", key, e.getMessage());
      return true;
    }
  }

  private static ServedModel published(ModelKey key, LstmModel model, Optional<ModelEvidence> evidence) {
    return key.workload().equals(GLOBAL) ? new ServedModel(model, GLOBAL_ORIGIN, evidence, ServedModel.GLOBAL)
        : new ServedModel(model, OWN_ORIGIN, evidence);
  }

  @Override
  public void close() {
    closed = true;
    wakeUp();
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      logger.warn("the training thread did not stop within 10 s");
    }
  }
}
