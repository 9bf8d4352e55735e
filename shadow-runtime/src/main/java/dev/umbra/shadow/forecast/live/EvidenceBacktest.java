package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.ChallengerForecaster;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SelectingForecaster;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.baseline.EmpiricalPeakForecaster;
import dev.umbra.shadow.forecast.baseline.PeakLevel;
import dev.umbra.shadow.forecast.lstm.LstmForecaster;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.ModelEvidence;
import dev.umbra.shadow.forecast.lstm.ModelSource;
import dev.umbra.shadow.forecast.lstm.SampleRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rolling backtest a new model version gets before it is published: each of the newest runs
 * it was trained on is replayed through the same contest a live stream holds (a {@link
 * ChallengerForecaster}, this LSTM against the selector over EWMA and recent peak), and the run
 * with the most scored horizons is the evidence. The LSTM saw these runs in training, so for a
 * first version the contest is in-sample; a live stream's own contest takes over once it has
 * scored enough horizons. Runs on the training thread.
 */
final class EvidenceBacktest {
  /** Runs replayed, newest first. */
  static final int RUNS = 3;
  /** The newest part of a run replayed. */
  static final Duration SPAN = Duration.ofHours(2);

  private final String series;
  private final Horizon horizon;
  private final QuantileLevels levels;

  EvidenceBacktest(String series, Horizon horizon, QuantileLevels levels) {
    this.series = series;
    this.horizon = horizon;
    this.levels = levels;
  }

  /** Empty when no run has a sample. */
  Optional<ModelEvidence> run(LstmModel model, List<SampleRun> newestFirst) {
    ModelEvidence best = null;
    for (SampleRun run : newestFirst.subList(0, Math.min(RUNS, newestFirst.size()))) {
      if (run.size() == 0) {
        continue;
      }
      ModelEvidence e = replay(model, run);
      if (best == null || e.scored() > best.scored()) {
        best = e;
      }
    }
    return Optional.ofNullable(best);
  }

  private ModelEvidence replay(LstmModel model, SampleRun run) {
    SeriesProfile profile = SeriesProfile.ofCanonical(series);
    long stepSec = horizon.step().toSeconds();
    Duration maxGap = HorizonStream.maxGap(stepSec);
    OnlineForecaster baselines = SelectingForecaster.factory(
        List.of(EmpiricalPeakForecaster.factory(PeakLevel.EWMA, s -> profile, maxGap),
            EmpiricalPeakForecaster.factory(PeakLevel.RECENT_PEAK, s -> profile, maxGap)),
        maxGap).create(series, horizon, levels);
    LstmForecaster lstm = new LstmForecaster(series, profile, horizon, levels, ModelSource.fixed(model),
        LstmForecaster.Timing.aligned(horizon.duration().toSeconds(), maxGap));
    ChallengerForecaster contest = new ChallengerForecaster(baselines, lstm, horizon, levels, maxGap,
        HorizonStream.halfLife(horizon));
    long[] t = run.timesSec();
    double[] v = run.values();
    long from = t[t.length - 1] - SPAN.toSeconds();
    Instant last = null;
    for (int i = 0; i < t.length; i++) {
      if (t[i] > from) {
        last = Instant.ofEpochSecond(t[i]);
        contest.observe(last, v[i]);
      }
    }
    String summary;
    try {
      summary = contest.forecast(last).selection().orElse("");
    } catch (InsufficientHistoryException e) {
      summary = "baselines cannot forecast yet: " + e.getMessage();
    }
    return new ModelEvidence(run.runId(), contest.scored(), contest.challengerLeads(), summary);
  }
}
