package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.lstm.BlockFeatures;
import dev.umbra.shadow.forecast.lstm.LstmBank;
import dev.umbra.shadow.forecast.lstm.ModelKey;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.threads.ShadowThreads;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live forecasts of every connected primary's target series, on one thread ({@code
 * umbra-forecast-1}). The ingest tick only queues its closed seconds ({@link #offer}, never
 * blocks: a full queue drops the tick and counts it). The thread takes one grid second at a time
 * across all primaries: it feeds each stream, steps every LSTM block closed in that second with
 * one {@code rnnTimeStep} per model version (all primaries of a workload in one minibatch, see
 * {@link LstmBank}), then lets each stream's selector observe the second and publish its
 * forecast, which {@link #latest} reads without locking. Streams unheard of for an hour are
 * dropped.
 */
public final class OnlineInference implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(OnlineInference.class);
  static final long IDLE_MILLIS = 3_600_000;

  /** A tick of one primary. */
  record Tick(String workload, String primaryId, List<GridPoint> points) {}

  private record Pending(HorizonStream stream, BlockFeatures.Block block) {}

  private final LearningSettings settings;
  private final Function<ModelKey, Optional<ServedModel>> models;
  private final Function<ModelKey, String> modelProblem;
  private final Clock clock;
  private final BlockingQueue<Tick> queue;
  private final Map<String, HorizonStream> streams = new ConcurrentHashMap<>();
  private final Map<ModelKey, LstmBank> banks = new HashMap<>();
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong rowsStepped = new AtomicLong();
  private final AtomicLong stepNanos = new AtomicLong();
  private volatile boolean closed;
  private long lastSweepMillis;

  /**
   * @param models the model a key is served with: its own newest version or a near workload's
   *     (called on this class's thread)
   * @param modelProblem why a key has no model, for the forecasts' selection text
   */
  OnlineInference(LearningSettings settings, Function<ModelKey, Optional<ServedModel>> models,
      Function<ModelKey, String> modelProblem, Clock clock) {
    this.settings = settings;
    this.models = models;
    this.modelProblem = modelProblem;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(settings.maxQueued());
    this.thread = ShadowThreads.factory("forecast", true).newThread(this::loop);
    thread.start();
  }

  /** Queues a primary's newly closed seconds. Never blocks; called on the ingest tick thread. */
  public void offer(String workload, String primaryId, List<GridPoint> points) {
    List<GridPoint> wanted = new ArrayList<>();
    for (GridPoint p : points) {
      if (p.canonical() && settings.targets().contains(p.series().value())) {
        wanted.add(p);
      }
    }
    if (!wanted.isEmpty() && !queue.offer(new Tick(workload, primaryId, wanted))) {
      dropped.incrementAndGet();
    }
  }

  /** The newest forecast of a stream, if it has one. */
  public Optional<QuantileForecast> latest(String primaryId, String series, Horizon horizon) {
    HorizonStream s = streams.get(id(primaryId, series, horizon));
    return s == null ? Optional.empty() : Optional.ofNullable(s.latest());
  }

  /** Why a stream has no forecast: unknown stream, or what its models still lack. */
  public String problem(String primaryId, String series, Horizon horizon) {
    if (!settings.targets().contains(series) || !settings.horizons().contains(horizon)) {
      return "live models serve " + settings.targets() + " at " + settings.horizons().stream()
          .map(h -> h.steps() + "x" + h.step().toSeconds() + "s").toList();
    }
    HorizonStream s = streams.get(id(primaryId, series, horizon));
    return s == null ? "no live data of " + series + " yet" : s.problem();
  }

  /** Workloads with live streams and their primaries. Thread-safe. */
  public Map<String, Set<String>> workloads() {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (HorizonStream s : streams.values()) {
      out.computeIfAbsent(s.key.workload(), k -> new TreeSet<>()).add(s.primaryId);
    }
    return out;
  }

  /** Ticks dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Batched LSTM calls made, rows stepped in them, and their total nanoseconds. */
  public long[] stepStats() {
    return new long[] {batches.get(), rowsStepped.get(), stepNanos.get()};
  }

  /** Streams where the LSTM currently serves. */
  public long lstmServing() {
    return streams.values().stream().filter(HorizonStream::lstmLeads).count();
  }

  private static String id(String primaryId, String series, Horizon horizon) {
    return primaryId + "|" + series + "|" + horizon.steps() + "x" + horizon.step().toSeconds();
  }

  private void loop() {
    List<Tick> ticks = new ArrayList<>();
    while (!closed) {
      try {
        Tick first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        ticks.add(first);
        queue.drainTo(ticks);
        process(ticks);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        logger.error("live forecasts failed on {} ticks; they are skipped", ticks.size(), e);
      } finally {
        ticks.clear();
      }
    }
  }

  /** Processes ticks, one grid second at a time across primaries. Package-private for tests. */
  void process(List<Tick> ticks) {
    long now = clock.millis();
    TreeMap<Long, List<Object[]>> bySecond = new TreeMap<>();
    for (Tick t : ticks) {
      for (GridPoint p : t.points()) {
        for (Horizon h : settings.horizons()) {
          HorizonStream s = streams.computeIfAbsent(id(t.primaryId(), p.series().value(), h),
              k -> new HorizonStream(ModelKey.of(t.workload(), p.series().value(), h), t.primaryId(),
                  p.series().value(), h, settings.levels()));
          s.lastSeenMillis = now;
          bySecond.computeIfAbsent(p.epochSecond(), k -> new ArrayList<>()).add(new Object[] {s, p.value()});
        }
      }
    }
    for (Map.Entry<Long, List<Object[]>> second : bySecond.entrySet()) {
      List<Pending> closedBlocks = new ArrayList<>();
      List<Object[]> samples = new ArrayList<>();
      for (Object[] sv : second.getValue()) {
        HorizonStream s = (HorizonStream) sv[0];
        double[] step = s.addSecond(second.getKey(), (Double) sv[1]);
        if (step != null) {
          for (BlockFeatures.Block b : s.feedBlocks((long) step[0], step[1])) {
            closedBlocks.add(new Pending(s, b));
          }
          samples.add(new Object[] {s, step});
        }
      }
      stepBlocks(closedBlocks);
      for (Object[] ss : samples) {
        double[] step = (double[]) ss[1];
        ((HorizonStream) ss[0]).observe((long) step[0], step[1]);
      }
    }
    sweep(now);
  }

  /** Test hook: queue a tick as the ingest would, and process it on the caller's thread. */
  void processNow(String workload, String primaryId, List<GridPoint> points) {
    process(List.of(new Tick(workload, primaryId, points)));
  }

  private void stepBlocks(List<Pending> pending) {
    // A stream can close several blocks in one second (after a hole): step them in rounds.
    while (!pending.isEmpty()) {
      Map<ModelKey, List<Pending>> byKey = new LinkedHashMap<>();
      List<Pending> later = new ArrayList<>();
      Set<HorizonStream> inRound = new HashSet<>();
      for (Pending p : pending) {
        if (inRound.add(p.stream())) {
          byKey.computeIfAbsent(p.stream().key, k -> new ArrayList<>()).add(p);
        } else {
          later.add(p);
        }
      }
      for (Map.Entry<ModelKey, List<Pending>> e : byKey.entrySet()) {
        stepRound(e.getKey(), e.getValue(), later);
      }
      pending = later;
    }
  }

  private void stepRound(ModelKey key, List<Pending> rows, List<Pending> later) {
    Optional<ServedModel> served = models.apply(key);
    if (served.isEmpty()) {
      String why = "no trained LSTM for " + key + ": " + modelProblem.apply(key);
      rows.forEach(p -> p.stream().lstm.unavailable(why));
      return;
    }
    LstmBank bank = banks.get(key);
    if (bank == null || bank.model() != served.get().model()) {
      bank = new LstmBank(served.get().model());
      banks.put(key, bank);
    }
    List<LstmBank.State> states = new ArrayList<>(rows.size());
    double[][] features = new double[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      HorizonStream s = rows.get(i).stream();
      if (s.lstm.state == null || s.lstm.state.model() != bank.model()) {
        s.lstm.state = bank.newState(); // a new version: rebuild the state from the remembered blocks
        int pendingOfStream = 1 + (int) later.stream().filter(p -> p.stream() == s).count();
        bank.replay(s.lstm.state, s.recentBlocks(pendingOfStream));
      }
      states.add(s.lstm.state);
      features[i] = rows.get(i).block().features();
    }
    long start = System.nanoTime();
    double[][] out = bank.step(states, features);
    stepNanos.addAndGet(System.nanoTime() - start);
    batches.incrementAndGet();
    rowsStepped.addAndGet(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      rows.get(i).stream().lstm.stepped(out[i], rows.get(i).block().base(), served.get());
    }
  }

  private void sweep(long now) {
    if (now - lastSweepMillis < 60_000) {
      return;
    }
    lastSweepMillis = now;
    streams.values().removeIf(s -> now - s.lastSeenMillis > IDLE_MILLIS);
    Set<ModelKey> used = new HashSet<>();
    streams.values().forEach(s -> used.add(s.key));
    banks.keySet().retainAll(used);
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
