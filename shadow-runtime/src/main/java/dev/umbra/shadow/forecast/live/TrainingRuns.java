package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.lstm.SampleRun;
import dev.umbra.shadow.series.PrimaryRecord;
import dev.umbra.shadow.series.SeriesName;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.series.SeriesWindow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a workload's model learns from: up to {@link LearningSettings#maxRuns()} runs, each up to
 * {@link LearningSettings#history()} of 1 s history from the series store, at the horizon's
 * step. Called on the training thread.
 */
final class TrainingRuns {
  private final SeriesStore store;
  private final LearningSettings settings;

  TrainingRuns(SeriesStore store, LearningSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /**
   * Each run's samples at the horizon's step, newest first: live primaries, earlier runs of the
   * workload, then runs of near workloads (nearest first).
   */
  List<SampleRun> read(String workload, List<Neighbours.Near> near, SeriesName series, Horizon horizon,
      Set<String> livePrimaries) {
    Set<String> primaries = new LinkedHashSet<>(livePrimaries);
    List<String> workloads = new ArrayList<>();
    workloads.add(workload);
    near.forEach(n -> workloads.add(n.identity().workload()));
    List<PrimaryRecord> known = store.knownPrimaries();
    for (String w : workloads) {
      known.stream()
          .filter(r -> r.workload().equals(w))
          .sorted(Comparator.comparingLong(PrimaryRecord::lastSeenMillis).reversed())
          .forEach(r -> primaries.add(r.primaryId()));
    }
    return readRuns(primaries, series, horizon);
  }

  /**
   * What the global model learns from: runs of every recorded workload, taken in turns (the newest
   * run of each workload, the workloads with the newest runs first, then their second newest, …)
   * so that one busy workload does not fill the {@link LearningSettings#maxRuns()} alone. Empty
   * when no workload but {@code asking} has a recorded run: a model of one workload is not global.
   */
  Optional<List<SampleRun>> readAcrossWorkloads(String asking, SeriesName series, Horizon horizon) {
    Map<String, List<String>> byWorkload = new LinkedHashMap<>();
    store.knownPrimaries().stream()
        .sorted(Comparator.comparingLong(PrimaryRecord::lastSeenMillis).reversed())
        .forEach(r -> byWorkload.computeIfAbsent(r.workload(), w -> new ArrayList<>()).add(r.primaryId()));
    if (byWorkload.keySet().stream().allMatch(asking::equals)) {
      return Optional.empty();
    }
    Set<String> primaries = new LinkedHashSet<>();
    int turns = byWorkload.values().stream().mapToInt(List::size).max().orElse(0);
    for (int turn = 0; turn < turns; turn++) {
      for (List<String> runs : byWorkload.values()) {
        if (turn < runs.size()) {
          primaries.add(runs.get(turn));
        }
      }
    }
    return Optional.of(readRuns(primaries, series, horizon));
  }

  private List<SampleRun> readRuns(Set<String> primaries, SeriesName series, Horizon horizon) {
    List<SampleRun> runs = new ArrayList<>();
    for (String primary : primaries) {
      if (runs.size() >= settings.maxRuns()) {
        break;
      }
      long newest = store.newestSecond(primary, series);
      if (newest == Long.MIN_VALUE) {
        continue;
      }
      long from = newest + 1 - settings.history().toSeconds();
      SeriesWindow grid = store.window(primary, series, from, newest + 1);
      runs.add(SampleRun.fromGrid(primary, from, grid.values(), horizon.step().toSeconds()));
    }
    return runs;
  }

}
