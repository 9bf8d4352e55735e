package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.ChallengerForecaster;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.lstm.ModelEvidence;
import java.time.Instant;
import java.util.Optional;

/**
 * Which model serves a stream before its own rolling backtest has a verdict: until the stream's
 * {@link ChallengerForecaster} has scored {@link #OWN_HORIZONS} horizons, the LSTM serves when the
 * version stepping this stream won the backtest saved with it on an earlier run (of this workload
 * or the near one it was borrowed from); otherwise, or when that evidence is missing or went
 * against it, the baselines serve and the selection text says why. From then on the stream's own
 * contest decides. Not thread-safe: confined to the live-forecast thread.
 */
final class EvidenceGate implements OnlineForecaster {
  /** Horizons a stream scores before its own verdict replaces the carried one (as {@link ChallengerForecaster}'s). */
  static final int OWN_HORIZONS = 24;

  private final ChallengerForecaster contest;
  private final LstmCandidate lstm;

  EvidenceGate(ChallengerForecaster contest, LstmCandidate lstm) {
    this.contest = contest;
    this.lstm = lstm;
  }

  @Override
  public String name() {
    return contest.name();
  }

  @Override
  public void observe(Instant at, double value) {
    contest.observe(at, value);
  }

  /** Whether the LSTM serves now, on this stream's own evidence or on carried evidence. */
  boolean lstmServes() {
    if (contest.scored() >= OWN_HORIZONS) {
      return contest.challengerLeads();
    }
    return lstm.served().flatMap(ServedModel::evidence).map(ModelEvidence::lstmLeads).orElse(false)
        && lstm.canForecast();
  }

  @Override
  public QuantileForecast forecast(Instant origin) throws InsufficientHistoryException {
    Optional<ServedModel> served = lstm.served();
    if (contest.scored() >= OWN_HORIZONS) {
      QuantileForecast own = contest.forecast(origin);
      return LstmCandidate.made(own.model()) && served.isPresent()
          ? own.withSelection(own.selection().orElse("") + " (model of " + served.get().origin() + ")")
          : own;
    }
    String note;
    if (served.isEmpty()) {
      note = "no LSTM for this stream";
    } else if (served.get().evidence().isEmpty()) {
      note = "no backtest evidence saved with " + served.get().model().versionLabel() + ": baselines serve until "
          + OWN_HORIZONS + " horizons of this run are scored";
    } else {
      ModelEvidence e = served.get().evidence().get();
      String carried = "earlier run " + e.runId() + " of " + served.get().origin() + ", " + e.summary();
      if (e.lstmLeads()) {
        try {
          return lstm.forecast(origin).withSelection("lstm " + served.get().model().versionLabel()
              + " leads on carried evidence (" + carried + "); this run scored " + contest.scored() + " of "
              + OWN_HORIZONS + " horizons so far");
        } catch (InsufficientHistoryException ex) {
          note = "lstm led on " + carried + " but cannot forecast yet: " + ex.getMessage();
        }
      } else {
        note = "baselines kept: on " + carried;
      }
    }
    QuantileForecast base = contest.forecast(origin);
    return base.withSelection(base.selection().map(s -> s + "; ").orElse("") + note);
  }
}
