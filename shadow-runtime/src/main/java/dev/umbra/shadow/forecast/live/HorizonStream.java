package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.Calibration;
import dev.umbra.shadow.forecast.ChallengerForecaster;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SelectingForecaster;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.baseline.EmpiricalPeakForecaster;
import dev.umbra.shadow.forecast.baseline.PeakLevel;
import dev.umbra.shadow.forecast.lstm.BlockFeatures;
import dev.umbra.shadow.forecast.lstm.ModelKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One primary's series at one horizon, kept up to date second by second on the live-forecast
 * thread: grid seconds averaged into the horizon's steps, steps into LSTM blocks, and a
 * {@link ChallengerForecaster} (LSTM against the baseline selector over EWMA and recent peak;
 * before it has a verdict, the {@link EvidenceGate} goes by the evidence saved with the model),
 * recalibrated by a {@link CalibratedForecaster} so that its stated confidence holds on this
 * primary's series. After every step its forecast is published for any thread to read.
 */
final class HorizonStream {
  /** Blocks replayed into a fresh state when a new model version arrives. */
  static final int REPLAY_BLOCKS = 168;

  final ModelKey key;
  final String primaryId;
  final String series;
  final Horizon horizon;
  final LstmCandidate lstm;
  private final long stepSec;
  private final BlockFeatures blocks;
  private final ArrayDeque<double[]> recent = new ArrayDeque<>();
  private final EvidenceGate gate;
  private final CalibratedForecaster served;
  private long openStep = Long.MIN_VALUE;
  private double sum;
  private int count;
  private long lastSecond = Long.MIN_VALUE;
  long lastSeenMillis;
  private volatile QuantileForecast latest;
  private volatile String problem = "no step of this series yet";

  HorizonStream(ModelKey key, String primaryId, String series, Horizon horizon, QuantileLevels levels) {
    this.key = key;
    this.primaryId = primaryId;
    this.series = series;
    this.horizon = horizon;
    this.stepSec = horizon.step().toSeconds();
    SeriesProfile profile = SeriesProfile.ofCanonical(series);
    Duration maxGap = maxGap(stepSec);
    this.blocks = new BlockFeatures(horizon.duration().toSeconds(), 0, stepSec, profile.floor());
    this.lstm = new LstmCandidate(series, profile, horizon, levels, maxGap);
    OnlineForecaster baselines = SelectingForecaster.factory(
        List.of(EmpiricalPeakForecaster.factory(PeakLevel.EWMA, s -> profile, maxGap),
            EmpiricalPeakForecaster.factory(PeakLevel.RECENT_PEAK, s -> profile, maxGap)),
        maxGap).create(series, horizon, levels);
    ChallengerForecaster contest = new ChallengerForecaster(baselines, lstm, horizon, levels, maxGap, halfLife(horizon));
    this.gate = new EvidenceGate(contest, lstm);
    this.served = new CalibratedForecaster(gate, series, profile, horizon, levels, Calibration.DEFAULT, maxGap);
  }

  /** A longer spacing of steps is a gap for the models (at least 30 s, else 3 steps). */
  static Duration maxGap(long stepSec) {
    return Duration.ofSeconds(Math.max(30, 3 * stepSec));
  }

  /** Half-life of the rolling backtest's decay: an hour, or 240 horizons when longer. */
  static Duration halfLife(Horizon horizon) {
    return Duration.ofSeconds(Math.max(3600, 240 * horizon.duration().toSeconds()));
  }

  /**
   * Adds one grid second (negative values count as 0; seconds at or before the last one are
   * ignored). Returns the step it completed as {time, mean}, or null. A step is complete at its
   * last second, or when a later step starts; it counts when half its seconds have a value.
   */
  double[] addSecond(long second, double value) {
    if (second <= lastSecond) {
      return null;
    }
    lastSecond = second;
    double[] done = null;
    long step = Math.floorDiv(second, stepSec);
    if (openStep != Long.MIN_VALUE && step != openStep) {
      done = close();
    }
    if (openStep != step) {
      openStep = step;
      sum = 0;
      count = 0;
    }
    sum += Math.max(0, value);
    count++;
    if (Math.floorMod(second, stepSec) == stepSec - 1) {
      double[] now = close();
      openStep = Long.MIN_VALUE;
      return now != null ? now : done;
    }
    return done;
  }

  private double[] close() {
    if (count == 0 || count * 2 < stepSec) {
      return null;
    }
    double[] s = {(openStep + 1) * stepSec - 1, sum / count};
    count = 0;
    return s;
  }

  /** Feeds a step sample to the block features; returns the blocks it closed (remembered for replay). */
  List<BlockFeatures.Block> feedBlocks(long timeSec, double value) {
    List<BlockFeatures.Block> closed = blocks.add(timeSec, value);
    for (BlockFeatures.Block b : closed) {
      recent.addLast(b.features());
      if (recent.size() > REPLAY_BLOCKS) {
        recent.removeFirst();
      }
    }
    return closed;
  }

  /** The remembered blocks, oldest first, without the newest {@code skipNewest}. */
  List<double[]> recentBlocks(int skipNewest) {
    List<double[]> all = List.copyOf(recent);
    return all.subList(0, Math.max(0, all.size() - skipNewest));
  }

  /** Feeds a step sample to the models (after its blocks were stepped) and publishes a forecast. */
  void observe(long timeSec, double value) {
    Instant at = Instant.ofEpochSecond(timeSec);
    served.observe(at, value);
    try {
      latest = served.forecast(at);
    } catch (InsufficientHistoryException e) {
      latest = null;
      problem = e.getMessage();
    }
  }

  /** The newest published forecast, or null with {@link #problem()} saying why. */
  QuantileForecast latest() {
    return latest;
  }

  String problem() {
    return problem;
  }

  boolean lstmLeads() {
    return gate.lstmServes();
  }
}
