package dev.umbra.shadow.forecast.live;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.Provenance;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.baseline.EmpiricalPeakForecaster;
import dev.umbra.shadow.forecast.baseline.PeakLevel;
import dev.umbra.shadow.forecast.lstm.LstmBank;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The live LSTM of one stream as an {@link OnlineForecaster}: {@link OnlineInference} feeds its
 * blocks and steps its {@link LstmBank.State} in batches; this turns the latest output into a
 * forecast (peak quantiles = outputs × the last block's base; per-step quantiles from a
 * companion recent-peak model, as in the backtest's {@code LstmForecaster}). Not thread-safe:
 * confined to the live-forecast thread.
 */
final class LstmCandidate implements OnlineForecaster {
  static final String NAME = "lstm";

  /** Whether a forecast's model name is one of this candidate's ({@value #NAME} or {@value ServedModel#GLOBAL}). */
  static boolean made(String model) {
    return model.equals(NAME) || model.equals(ServedModel.GLOBAL);
  }

  private final String series;
  private final Horizon horizon;
  private final QuantileLevels levels;
  private final EmpiricalPeakForecaster steps;
  LstmBank.State state;
  private double[] output;
  private double base;
  private String versionLabel = "";
  private String problem = "no LSTM model yet";
  private ServedModel served;

  LstmCandidate(String series, SeriesProfile profile, Horizon horizon, QuantileLevels levels, Duration maxGap) {
    this.series = series;
    this.horizon = horizon;
    this.levels = levels;
    this.steps = new EmpiricalPeakForecaster(series, profile, PeakLevel.RECENT_PEAK, horizon, levels, maxGap);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Only the companion learns from samples; blocks come through {@link #stepped}. */
  @Override
  public void observe(Instant at, double value) {
    steps.observe(at, value);
  }

  /** The network's output for the block just closed, whose base is {@code base}, by {@code model}. */
  void stepped(double[] out, double blockBase, ServedModel model) {
    this.output = out;
    this.base = blockBase;
    this.served = model;
    this.versionLabel = model.model().versionLabel();
  }

  /** A block closed but no model could step it: forecasts stop until one can. */
  void unavailable(String why) {
    this.output = null;
    this.served = null;
    this.problem = why;
  }

  /** The model that stepped the newest block, if one did. */
  Optional<ServedModel> served() {
    return Optional.ofNullable(served);
  }

  /** Whether a block has been stepped since the model (or the lack of one) last changed. */
  boolean canForecast() {
    return output != null;
  }

  @Override
  public QuantileForecast forecast(Instant origin) throws InsufficientHistoryException {
    if (output == null) {
      throw new InsufficientHistoryException(problem);
    }
    double[] peak = new double[output.length];
    for (int j = 0; j < peak.length; j++) {
      peak[j] = Math.max(0, output[j] * base);
    }
    peak = QuantileForecast.rearranged(peak);
    double[] row = peak;
    try {
      row = steps.forecast(origin).stepQuantiles(0);
    } catch (InsufficientHistoryException e) {
      // too early for the companion: every step gets the peak's quantiles, an upper bound
    }
    double[][] rows = new double[horizon.steps()][];
    Arrays.fill(rows, row);
    String name = served == null ? NAME : served.name(); // "lstm-global" when the global model stepped it
    return QuantileForecast.of(new Provenance(series, name, versionLabel), origin, horizon, levels, rows, peak);
  }
}
