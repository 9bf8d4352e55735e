package dev.umbra.shadow.fleet;

import dev.umbra.proto.v1.ModelArtifact;
import dev.umbra.shadow.forecast.Forecaster;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.baseline.EmpiricalPeakForecaster;
import dev.umbra.shadow.forecast.baseline.PeakLevel;
import dev.umbra.shadow.forecast.live.PrimaryForecasts;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.NativeThreads;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.ingest.PrimaryState;
import dev.umbra.shadow.ingest.Sessions;
import dev.umbra.shadow.series.SeriesName;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.series.SeriesWindow;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet-trained models this shadow uses, per workload. {@link #offer} keeps the newest
 * artifact of every workload; {@link #evaluate} (on the {@code umbra-fleet-models} thread)
 * switches a workload this shadow serves to a newer version only if, on the last
 * {@link #BACKTEST_SECONDS} of its connected primaries' data, the newer version's peak
 * forecasts score no worse (mean pinball loss, {@link ModelBacktest}) than what the shadow uses
 * now: the version in use, or, before the first, the local recent-peak baseline. With too little
 * local data to score {@link ModelBacktest#MIN_SCORED} forecasts, a first version is taken as
 * is (a cold start: nothing local says it is worse, and it is what the fleet learnt of this
 * workload), while a version in use is only replaced once the data suffices. A version that
 * lost is tried again after {@link #RETRY_AFTER}, on newer data. Thread-safe.
 */
public final class FleetModels implements PrimaryForecasts.Preferred {
  private static final Logger logger = LoggerFactory.getLogger(FleetModels.class);
  static final int BACKTEST_SECONDS = 1800;
  static final Duration RETRY_AFTER = Duration.ofMinutes(5);

  /** A version in use: its forecaster per series. */
  record Adopted(int version, Map<String, FleetLstm> bySeries) {}

  private final Sessions sessions;
  private final SeriesStore store;
  private final Clock clock;
  private final FleetMetrics metrics;
  private final Map<String, ModelArtifact> newest = new ConcurrentHashMap<>();
  private final Map<String, Adopted> inUse = new ConcurrentHashMap<>();
  private final Map<String, long[]> lost = new ConcurrentHashMap<>(); // workload -> {version, at millis}
  private boolean nativeThreadsLimited; // evaluate() runs on one thread

  FleetModels(Sessions sessions, SeriesStore store, Clock clock, FleetMetrics metrics) {
    this.sessions = sessions;
    this.store = store;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Keeps {@code artifact} if it is the newest version seen of its workload. */
  void offer(ModelArtifact artifact) {
    metrics.modelsReceived.inc();
    newest.merge(artifact.getWorkload(), artifact, (old, now) -> now.getVersion() > old.getVersion() ? now : old);
  }

  /** The version in use per workload. */
  public Map<String, Integer> versionsInUse() {
    Map<String, Integer> out = new HashMap<>();
    inUse.forEach((w, a) -> out.put(w, a.version()));
    return out;
  }

  @Override
  public Optional<Forecaster> forecaster(String primaryId, SeriesName series, Horizon horizon, QuantileLevels levels) {
    Optional<PrimarySession> session = sessions.get(primaryId);
    if (session.isEmpty()) {
      return Optional.empty();
    }
    Adopted adopted = inUse.get(session.get().identity().workload());
    FleetLstm f = adopted == null ? null : adopted.bySeries().get(series.value());
    return f != null && f.fits(horizon, levels) ? Optional.of(f) : Optional.empty();
  }

  /** Decides, for every served workload with a newer version, whether to switch. */
  void evaluate() {
    Map<String, List<String>> served = new LinkedHashMap<>();
    for (PrimarySession s : sessions.all()) {
      if (s.state() == PrimaryState.CONNECTED) {
        served.computeIfAbsent(s.identity().workload(), k -> new ArrayList<>()).add(s.primaryId());
      }
    }
    long now = clock.millis();
    served.forEach((workload, primaries) -> {
      ModelArtifact candidate = newest.get(workload);
      Adopted current = inUse.get(workload);
      if (candidate == null || (current != null && current.version() >= candidate.getVersion())) {
        return;
      }
      long[] lastLoss = lost.get(workload);
      if (lastLoss != null && lastLoss[0] == candidate.getVersion() && now - lastLoss[1] < RETRY_AFTER.toMillis()) {
        return;
      }
      try {
        decide(workload, primaries, candidate, current, now);
      } catch (IOException | RuntimeException e) {
        lost.put(workload, new long[] {candidate.getVersion(), now});
        logger.warn("workload={} fleet model v{} cannot be used: {}", workload, candidate.getVersion(), e.toString());
      }
    });
  }

  private void decide(String workload, List<String> primaries, ModelArtifact artifact, Adopted current, long now)
      throws IOException {
    if (!nativeThreadsLimited) {
      NativeThreads.limit(1); // inference beside the primaries: one native thread, as the trainer
      nativeThreadsLimited = true;
    }
    Map<String, FleetLstm> candidate = new LinkedHashMap<>();
    for (Map.Entry<String, LstmModel> e : ModelCodec.decode(artifact).entrySet()) {
      candidate.put(e.getKey(), new FleetLstm(e.getKey(), e.getValue()));
    }
    if (candidate.isEmpty()) {
      throw new IOException("the artifact holds no model this build can use");
    }
    Horizon horizon = Horizon.DEFAULT;
    ModelBacktest backtest = new ModelBacktest(horizon, QuantileLevels.DEFAULT);
    for (Map.Entry<String, FleetLstm> e : candidate.entrySet()) {
      String series = e.getKey();
      FleetLstm cand = e.getValue();
      if (!cand.fits(horizon, QuantileLevels.DEFAULT)) {
        continue;
      }
      FleetLstm old = current == null ? null : current.bySeries().get(series);
      Supplier<OnlineForecaster> incumbent = old != null
          ? () -> old.online(horizon, QuantileLevels.DEFAULT)
          : () -> EmpiricalPeakForecaster.factory(PeakLevel.RECENT_PEAK, SeriesProfile::ofCanonical, FleetLstm.MAX_GAP)
              .create(series, horizon, QuantileLevels.DEFAULT);
      for (String primaryId : primaries) {
        SeriesName name = SeriesName.of(series);
        long newestSecond = store.newestSecond(primaryId, name);
        if (newestSecond == Long.MIN_VALUE) {
          continue;
        }
        SeriesWindow w = store.window(primaryId, name, newestSecond + 1 - BACKTEST_SECONDS, newestSecond + 1);
        backtest.add(w.firstSecond(), w.values(), SeriesProfile.ofCanonical(series).floor(),
            () -> cand.online(horizon, QuantileLevels.DEFAULT), incumbent);
      }
    }
    String against = current == null ? "local recent-peak" : "fleet v" + current.version();
    if (backtest.decides()) {
      if (backtest.candidateNotWorse()) {
        adopt(workload, artifact, candidate, "backtest", backtest, against);
      } else {
        lost.put(workload, new long[] {artifact.getVersion(), now});
        metrics.modelRejections.inc();
        logger.info("workload={} keeps {}: fleet model v{} backtests worse (loss {} vs {} over {} forecasts)",
            workload, against, artifact.getVersion(), fmt(backtest.candidateLoss()), fmt(backtest.incumbentLoss()),
            backtest.scored());
      }
    } else if (current == null) {
      adopt(workload, artifact, candidate, "cold-start", backtest, against);
    }
  }

  private void adopt(String workload, ModelArtifact artifact, Map<String, FleetLstm> models, String reason,
      ModelBacktest backtest, String against) {
    inUse.put(workload, new Adopted(artifact.getVersion(), Map.copyOf(models)));
    lost.remove(workload);
    metrics.modelSwitches.labelValues(reason).inc();
    logger.info("workload={} switched to fleet model v{} ({}; series {}; loss {} vs {} of {} over {} forecasts;"
            + " trained on {} runs from shadows {})",
        workload, artifact.getVersion(), reason, models.keySet(), fmt(backtest.candidateLoss()),
        fmt(backtest.incumbentLoss()), against, backtest.scored(), artifact.getRuns(), artifact.getShadowsList());
  }

  private static String fmt(double x) {
    return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.4f", x);
  }
}
