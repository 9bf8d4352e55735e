package dev.umbra.shadow.forecast.lstm;

import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.Provenance;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.baseline.EmpiricalPeakForecaster;
import dev.umbra.shadow.forecast.baseline.PeakLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stateful LSTM inference for one series: each closed block is one {@code rnnTimeStep} on this
 * forecaster's own copy of the network, so a forecast costs one step, not a re-read of the
 * window. When the {@link ModelSource} hands out a new version, the copy is replaced and the
 * last {@link #REPLAY_BLOCKS} blocks are replayed to rebuild its state. The peak quantiles are
 * the network's outputs × the last block's base (its peak, at least 5 % of the scale); per-step quantiles come from a companion
 * recent-peak {@link EmpiricalPeakForecaster} (the network forecasts only the peak). Not
 * thread-safe.
 */
public final class LstmForecaster implements OnlineForecaster {
  public static final String NAME = "lstm";
  static final int REPLAY_BLOCKS = 168;

  private final String series;
  private final Horizon horizon;
  private final QuantileLevels levels;
  private final ModelSource source;
  private final BlockFeatures blocks;
  private final EmpiricalPeakForecaster steps;
  private final ArrayDeque<double[]> recent = new ArrayDeque<>();
  private MultiLayerNetwork network;
  private int version = -1;
  private double[] lastOutput;
  private double lastScale;
  private long lastSec = Long.MIN_VALUE;

  /**
   * @param timing where the forecaster's blocks end and how long a gap in the samples may be
   */
  public LstmForecaster(String series, SeriesProfile profile, Horizon horizon, QuantileLevels levels,
      ModelSource source, Timing timing) {
    this.series = Objects.requireNonNull(series, "series");
    this.horizon = Objects.requireNonNull(horizon, "horizon");
    this.levels = Objects.requireNonNull(levels, "levels");
    this.source = Objects.requireNonNull(source, "source");
    this.blocks = new BlockFeatures(timing.blockSec(), timing.blockOffsetSec(), horizon.step().toSeconds(), profile.floor());
    this.steps = new EmpiricalPeakForecaster(series, profile, PeakLevel.RECENT_PEAK, horizon, levels, timing.maxGap());
  }

  /**
   * How the samples become the network's blocks.
   *
   * @param blockSec the length of a block, seconds (the model's)
   * @param blockOffsetSec block ends fall at offset + k·block, e.g. −lead so that blocks end at
   *     the decision times
   * @param maxGap samples further apart than this are a gap, not one block
   */
  public record Timing(long blockSec, long blockOffsetSec, Duration maxGap) {
    public Timing {
      if (blockSec <= 0) {
        throw new IllegalArgumentException("blockSec must be positive: " + blockSec);
      }
      Objects.requireNonNull(maxGap, "maxGap");
    }

    /** Blocks that end at whole multiples of {@code blockSec} since the epoch. */
    public static Timing aligned(long blockSec, Duration maxGap) {
      return new Timing(blockSec, 0, maxGap);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void observe(Instant at, double value) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(series + " at " + at + ": value is " + value);
    }
    long t = at.getEpochSecond();
    if (t < lastSec) {
      throw new IllegalArgumentException(series + ": sample at " + at + " goes back in time");
    }
    lastSec = t;
    steps.observe(at, value);
    push(blocks.add(t, value));
  }

  private void push(List<BlockFeatures.Block> closed) {
    for (BlockFeatures.Block b : closed) {
      recent.addLast(b.features());
      if (recent.size() > REPLAY_BLOCKS) {
        recent.removeFirst();
      }
      lastScale = b.base();
      if (network != null) {
        INDArray in = Nd4j.create(new double[][] {b.features()}).castTo(DataType.FLOAT);
        lastOutput = network.rnnTimeStep(in).castTo(DataType.DOUBLE).toDoubleVector();
      }
    }
  }

  private void switchTo(LstmModel model) {
    if (!model.levels().equals(levels)) {
      throw new IllegalArgumentException(series + ": model levels " + model.levels() + " differ from " + levels);
    }
    network = model.copyNetwork();
    version = model.version();
    lastOutput = null;
    if (!recent.isEmpty()) {
      double[][][] seq = new double[1][BlockFeatures.COUNT][recent.size()];
      int k = 0;
      for (double[] f : recent) {
        for (int i = 0; i < f.length; i++) {
          seq[0][i][k] = f[i];
        }
        k++;
      }
      INDArray out = network.rnnTimeStep(Nd4j.create(seq).castTo(DataType.FLOAT));
      lastOutput = out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.all(),
          org.nd4j.linalg.indexing.NDArrayIndex.point(recent.size() - 1)).castTo(DataType.DOUBLE).toDoubleVector();
    }
  }

  @Override
  public QuantileForecast forecast(Instant origin) throws InsufficientHistoryException {
    push(blocks.closeUntil(origin.getEpochSecond()));
    Optional<LstmModel> model = source.at(origin);
    if (model.isEmpty()) {
      throw new InsufficientHistoryException("no trained LSTM for " + series + " at " + origin);
    }
    if (model.get().version() != version) {
      switchTo(model.get());
    }
    if (lastOutput == null) {
      throw new InsufficientHistoryException("no complete block of " + series + " yet");
    }
    double[] peak = new double[lastOutput.length];
    for (int j = 0; j < peak.length; j++) {
      peak[j] = Math.max(0, lastOutput[j] * lastScale);
    }
    peak = QuantileForecast.rearranged(peak);
    double[][] rows = new double[horizon.steps()][];
    double[] stepRow = peak;
    try {
      stepRow = steps.forecast(origin).stepQuantiles(0);
    } catch (InsufficientHistoryException e) {
      // too early for the companion: every step gets the peak's quantiles, an upper bound
    }
    for (int i = 0; i < rows.length; i++) {
      rows[i] = stepRow;
    }
    return QuantileForecast.of(new Provenance(series, NAME, model.get().versionLabel()), origin, horizon, levels, rows, peak);
  }
}
