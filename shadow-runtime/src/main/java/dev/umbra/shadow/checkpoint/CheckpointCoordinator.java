package dev.umbra.shadow.checkpoint;

import dev.umbra.shadow.checkpoint.CheckpointManifest.Trust;
import dev.umbra.shadow.threads.ShadowThreads;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes checkpoints of primaries and rolls them back: asks the agent (through {@link
 * PrimaryChannel}) to snapshot or restore, accepts the upload only for a checkpoint it asked for,
 * promotes a checkpoint to known-good once a quiet period passed with no anomaly of its primary,
 * and optionally checkpoints every connected primary periodically.
 *
 * <p>Nothing here blocks a caller: operations return futures that complete when the agent has
 * answered, or fail after the command timeout. Thread-safe.
 */
public final class CheckpointCoordinator implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(CheckpointCoordinator.class);

  private final CheckpointStore store;
  private final PrimaryChannel primaries;
  private final Clock clock;
  private final Duration quietPeriod;
  private final Duration commandTimeout;
  private final Map<String, Expected> expected = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastAnomaly = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastPeriodic = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(ShadowThreads.factory("checkpoint", true));
  private final Optional<Duration> every;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /**
   * Hears of a checkpoint changing state (e.g. to publish it to the fleet). Called on the
   * coordinator's timer or on the thread that completed the agent's answer: it must not block;
   * what it throws is logged and ignored.
   */
  public interface Listener {
    /** What happened to a checkpoint. */
    enum Change {
      /** Stored and verified (trust TAKEN). */
      TAKEN,
      /** Known-good after its quiet period. */
      PROMOTED,
      /** Back to TAKEN: an anomaly began at or before it was taken. */
      DEMOTED,
      /** A primary was rolled back to it. */
      RESTORED
    }

    /** {@code checkpoint} carries its trust after the change. */
    void changed(Change change, CheckpointManifest checkpoint);
  }

  /** What the coordinator needs of a primary: facts and its command channel. */
  public interface PrimaryChannel {
    /** The primary's workload, or empty when the shadow does not know it. */
    Optional<String> workload(String primaryId);

    /** Checkpoint engines the primary's agent offers ("app", ...); empty when disconnected. */
    List<String> engines(String primaryId);

    /** Connected primaries, for periodic checkpoints. */
    List<String> connected();

    /** Sends Checkpoint; completes with null when the agent reports success, else fails with its message. */
    CompletableFuture<Void> checkpoint(String primaryId, String checkpointId, String engine);

    /** Sends Rollback; completes when the agent restored the checkpoint. */
    CompletableFuture<Void> rollback(String primaryId, String checkpointId, String reason);
  }

  private record Expected(String primaryId, String workload, String engine, Instant created,
      CompletableFuture<CheckpointManifest> uploaded) {}

  /**
   * @param quietPeriod how long a checkpoint must go without an anomaly to become known-good
   * @param every take a checkpoint of every connected primary this often (empty: only on demand)
   */
  public CheckpointCoordinator(CheckpointStore store, PrimaryChannel primaries, Clock clock,
      Duration quietPeriod, Duration commandTimeout, Optional<Duration> every) {
    this.store = store;
    this.primaries = primaries;
    this.clock = clock;
    this.quietPeriod = quietPeriod;
    this.commandTimeout = commandTimeout;
    this.every = every;
    timer.scheduleWithFixedDelay(this::housekeepSafely, 1, 1, TimeUnit.SECONDS);
  }

  /** Adds a listener for every later change; there is no removal (listeners live as long as the shadow). */
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  private void tell(Listener.Change change, CheckpointManifest checkpoint) {
    for (Listener l : listeners) {
      try {
        l.changed(change, checkpoint);
      } catch (RuntimeException e) {
        logger.warn("a checkpoint listener failed on {} {}: {}", change, checkpoint.id(), e.toString());
      }
    }
  }

  /** Takes a checkpoint of {@code primaryId} now. */
  public CompletableFuture<CheckpointManifest> checkpoint(String primaryId, String engineOrEmpty) {
    String workload;
    String engine;
    try {
      workload = primaries.workload(primaryId).orElseThrow(() -> new CheckpointException("no primary " + primaryId));
      List<String> engines = primaries.engines(primaryId);
      engine = engineOrEmpty.isEmpty() ? engines.stream().findFirst().orElse("") : engineOrEmpty;
      if (engine.isEmpty() || !engines.contains(engine)) {
        throw new CheckpointException("primary " + primaryId + " offers no checkpoint engine"
            + (engineOrEmpty.isEmpty() ? "" : " '" + engineOrEmpty + "'") + " (it offers " + engines
            + "; register a Checkpointable through umbra-api for the app engine)");
      }
    } catch (CheckpointException e) {
      return CompletableFuture.failedFuture(e);
    }
    Instant created = clock.instant();
    String id = "ck-" + created.toEpochMilli() + "-" + sequence.incrementAndGet();
    Expected exp = new Expected(primaryId, workload, engine, created, new CompletableFuture<>());
    expected.put(id, exp);
    return primaries.checkpoint(primaryId, id, engine)
        .orTimeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(ignored -> exp.uploaded().orTimeout(5, TimeUnit.SECONDS))
        .whenComplete((manifest, failure) -> {
          expected.remove(id);
          if (failure == null) {
            logger.info("primary={} checkpoint {} taken: {} bytes in {} states", primaryId, id,
                manifest.sizeBytes(), manifest.states().size());
            tell(Listener.Change.TAKEN, manifest);
          } else {
            logger.warn("primary={} checkpoint {} failed: {}", primaryId, id, failure.toString());
          }
        });
  }

  /**
   * Starts accepting the upload of a checkpoint this coordinator asked {@code primaryId} for.
   *
   * @throws CheckpointException when no such checkpoint was asked for
   */
  public Upload acceptUpload(String primaryId, String checkpointId) throws CheckpointException, IOException {
    Expected exp = expected.get(checkpointId);
    if (exp == null || !exp.primaryId().equals(primaryId)) {
      throw new CheckpointException("no checkpoint " + checkpointId + " was requested from primary " + primaryId);
    }
    return new Upload(store.begin(checkpointId, primaryId, exp.workload(), exp.engine(), exp.created()), exp.uploaded());
  }

  /** An upload in progress; {@link #commit()} or {@link #close()} it. */
  public static final class Upload implements AutoCloseable {
    private final CheckpointStore.Pending pending;
    private final CompletableFuture<CheckpointManifest> uploaded;

    private Upload(CheckpointStore.Pending pending, CompletableFuture<CheckpointManifest> uploaded) {
      this.pending = pending;
      this.uploaded = uploaded;
    }

    public CheckpointStore.Pending pending() {
      return pending;
    }

    public CheckpointManifest commit() throws IOException {
      CheckpointManifest m = pending.commit();
      uploaded.complete(m);
      return m;
    }

    @Override
    public void close() {
      pending.close();
      uploaded.completeExceptionally(new CheckpointException("the upload of " + pending.id() + " did not complete"));
    }
  }

  /**
   * Rolls {@code primaryId} back to {@code checkpointId}, or to its workload's newest verified
   * known-good checkpoint; corrupt checkpoints are skipped (and marked) on the way.
   */
  public CompletableFuture<CheckpointManifest> rollback(String primaryId, Optional<String> checkpointId, String reason) {
    CheckpointManifest target;
    try {
      String workload = primaries.workload(primaryId).orElseThrow(() -> new CheckpointException("no primary " + primaryId));
      if (checkpointId.isPresent()) {
        target = store.find(checkpointId.get())
            .orElseThrow(() -> new CheckpointException("no checkpoint " + checkpointId.get()));
        if (!target.workload().equals(workload)) {
          throw new CheckpointException("checkpoint " + target.id() + " belongs to workload " + target.workload()
              + ", not to " + workload + " of primary " + primaryId);
        }
        store.verify(target);
      } else {
        target = store.newestVerified(workload, Trust.KNOWN_GOOD)
            .orElseThrow(() -> new CheckpointException("workload " + workload + " has no verified known-good checkpoint yet"));
      }
    } catch (CheckpointException e) {
      return CompletableFuture.failedFuture(e);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new CheckpointException("reading checkpoints failed: " + e.getMessage(), e));
    }
    CheckpointManifest chosen = target;
    logger.info("primary={} rolling back to {} ({}): {}", primaryId, chosen.id(), chosen.trust(), reason);
    return primaries.rollback(primaryId, chosen.id(), reason)
        .orTimeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(ignored -> {
          tell(Listener.Change.RESTORED, chosen);
          return chosen;
        });
  }

  /**
   * The checkpoint an agent may download for a rollback: it must belong to the primary's
   * workload and verify.
   */
  public CheckpointManifest openForDownload(String primaryId, String checkpointId) throws CheckpointException, IOException {
    String workload = primaries.workload(primaryId).orElseThrow(() -> new CheckpointException("no primary " + primaryId));
    CheckpointManifest m = store.find(checkpointId).orElseThrow(() -> new CheckpointException("no checkpoint " + checkpointId));
    if (!m.workload().equals(workload)) {
      throw new CheckpointException("checkpoint " + checkpointId + " does not belong to workload " + workload);
    }
    return store.verify(m);
  }

  public CheckpointStore store() {
    return store;
  }

  /** Checkpoints of a workload, newest first. */
  public List<CheckpointManifest> list(String workload) throws IOException {
    return store.list(workload);
  }

  /** Every checkpoint, newest first. */
  public List<CheckpointManifest> listAll() throws IOException {
    List<CheckpointManifest> all = new ArrayList<>();
    for (String w : store.workloads()) {
      all.addAll(store.list(w));
    }
    all.sort((a, b) -> b.created().compareTo(a.created()));
    return all;
  }

  /** Records an anomaly: checkpoints of this primary still in their quiet period stay untrusted. */
  public void anomalyObserved(String primaryId, Instant at) {
    lastAnomaly.merge(primaryId, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  /**
   * Records an anomaly that began at {@code onset} and was detected at {@code detected}: no
   * checkpoint of this primary taken before {@code detected} is promoted any more, and a
   * known-good one taken at or after {@code onset} (it may hold the bad state already) goes back
   * to TAKEN, so a rollback never lands on it.
   */
  public void anomalyObserved(String primaryId, Instant onset, Instant detected) {
    anomalyObserved(primaryId, detected.isBefore(onset) ? onset : detected);
    try {
      for (String workload : store.workloads()) {
        for (CheckpointManifest m : store.list(workload)) {
          if (m.primaryId().equals(primaryId) && m.trust() == Trust.KNOWN_GOOD && !m.created().isBefore(onset)) {
            tell(Listener.Change.DEMOTED, store.markTrust(m, Trust.TAKEN));
            logger.warn("primary={} checkpoint {} is no longer known-good: an anomaly began at {}", primaryId, m.id(), onset);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      logger.warn("primary={} cannot revisit checkpoints after an anomaly: {}", primaryId, e.toString());
    }
  }

  private void housekeepSafely() {
    try {
      promote();
      periodic();
    } catch (IOException | RuntimeException e) {
      logger.warn("checkpoint housekeeping failed", e);
    }
  }

  /** Promotes TAKEN checkpoints whose quiet period has passed without an anomaly. */
  void promote() throws IOException {
    Instant now = clock.instant();
    for (String workload : store.workloads()) {
      for (CheckpointManifest m : store.list(workload)) {
        if (m.trust() != Trust.TAKEN || m.created().plus(quietPeriod).isAfter(now)) {
          continue;
        }
        Instant anomaly = lastAnomaly.get(m.primaryId());
        if (anomaly != null && !anomaly.isBefore(m.created())) {
          continue; // an anomaly followed it: never trusted
        }
        tell(Listener.Change.PROMOTED, store.markTrust(m, Trust.KNOWN_GOOD));
        logger.info("primary={} checkpoint {} is known-good after {} without anomaly", m.primaryId(), m.id(), quietPeriod);
      }
    }
  }

  private void periodic() {
    if (every.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    for (String primaryId : primaries.connected()) {
      if (primaries.engines(primaryId).isEmpty()) {
        continue;
      }
      Instant last = lastPeriodic.get(primaryId);
      if (last == null || !last.plus(every.get()).isAfter(now)) {
        lastPeriodic.put(primaryId, now);
        checkpoint(primaryId, "");
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    expected.values().forEach(e -> e.uploaded().completeExceptionally(new CheckpointException("the shadow is shutting down")));
  }
}
