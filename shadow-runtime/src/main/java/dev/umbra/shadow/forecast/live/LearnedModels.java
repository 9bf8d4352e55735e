package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.lstm.LstmModelStore;
import dev.umbra.shadow.forecast.lstm.WorkloadIdentity;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.series.SeriesStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The shadow's learned forecasting: {@link OnlineInference} (per-second online inference, batched
 * across primaries, with the LSTM-vs-baselines selector) and {@link ModelTraining} (background
 * training per workload, models saved under {@code <data>/models}). Closing stops training first.
 */
public final class LearnedModels implements AutoCloseable {
  private final LearningSettings settings;
  private final OnlineInference streams;
  private final ModelTraining training;
  private final Neighbours neighbours;
  private final Map<String, String> seen = new ConcurrentHashMap<>();
  /** Primaries whose workload is remembered before the memo starts over. */
  static final int MAX_REMEMBERED = 10_000;

  public LearnedModels(SeriesStore store, Path modelDir, LearningSettings settings, Clock clock) {
    this.settings = settings;
    LstmModelStore saved = new LstmModelStore(modelDir);
    this.neighbours = new Neighbours(saved);
    ModelTraining[] holder = new ModelTraining[1];
    this.streams = new OnlineInference(settings, key -> holder[0] == null ? Optional.empty() : holder[0].served(key),
        key -> holder[0] == null ? "trainer not started" : holder[0].problem(key), clock);
    this.training = new ModelTraining(store, saved, neighbours, streams::workloads, settings, clock);
    holder[0] = training;
  }

  /**
   * Hands a primary's newly closed seconds over (the ingest's grid listener). Never blocks. On a
   * primary's first tick its workload's identity is remembered, so that a workload without a
   * model of its own is served and trained from its nearest neighbour's.
   */
  public void offer(String primaryId, Supplier<WorkloadIdentity> identity, List<GridPoint> points) {
    String workload = seen.get(primaryId);
    if (workload == null) {
      if (seen.size() >= MAX_REMEMBERED) {
        seen.clear(); // only costs a repeated identity check per primary
      }
      WorkloadIdentity id = identity.get();
      neighbours.add(id);
      workload = id.workload();
      seen.put(primaryId, workload);
    }
    streams.offer(workload, primaryId, points);
  }

  /** Hands a primary's newly closed seconds over, for a workload without a known identity. Never blocks. */
  public void offer(String workload, String primaryId, List<GridPoint> points) {
    streams.offer(workload, primaryId, points);
  }

  public LearningSettings settings() {
    return settings;
  }

  public OnlineInference streams() {
    return streams;
  }

  public ModelTraining training() {
    return training;
  }

  @Override
  public void close() {
    training.close();
    streams.close();
  }
}
