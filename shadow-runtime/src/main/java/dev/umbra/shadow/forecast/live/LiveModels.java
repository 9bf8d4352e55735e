package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.lstm.LstmModelStore;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.series.SeriesStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The shadow's learned forecasting: {@link LiveStreams} (per-second online inference, batched
 * across primaries, with the LSTM-vs-baselines selector) and {@link ModelTraining} (background
 * training per workload, models saved under {@code <data>/models}). Closing stops training first.
 */
public final class LiveModels implements AutoCloseable {
  private final LiveModelSettings settings;
  private final LiveStreams streams;
  private final ModelTraining training;

  public LiveModels(SeriesStore store, Path modelDir, LiveModelSettings settings, Clock clock) {
    this.settings = settings;
    ModelTraining[] holder = new ModelTraining[1];
    this.streams = new LiveStreams(settings, key -> holder[0] == null ? Optional.empty() : holder[0].model(key),
        key -> holder[0] == null ? "trainer not started" : holder[0].problem(key), clock);
    this.training = new ModelTraining(store, new LstmModelStore(modelDir), streams::workloads, settings, clock);
    holder[0] = training;
  }

  /** Hands a primary's newly closed seconds over (the ingest's grid listener). Never blocks. */
  public void offer(String workload, String primaryId, List<GridPoint> points) {
    streams.offer(workload, primaryId, points);
  }

  public LiveModelSettings settings() {
    return settings;
  }

  public LiveStreams streams() {
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
