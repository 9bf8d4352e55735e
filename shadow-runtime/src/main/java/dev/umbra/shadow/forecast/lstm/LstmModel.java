package dev.umbra.shadow.forecast.lstm;

import dev.umbra.shadow.forecast.QuantileLevels;
import java.time.Instant;
import java.util.Objects;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A trained network with what is needed to use it: its quantile levels, block length and
 * horizon (seconds), a version and the time up to which its training data reached. The network
 * holds recurrent state: {@link #copy()} one per series before stepping it.
 */
public final class LstmModel {
  /** Hidden units: 32 fits a fit of 32 sequences × 120 steps in ~160 ms on one core. */
  public static final int HIDDEN = 32;

  private final MultiLayerNetwork network;
  private final QuantileLevels levels;
  private final long blockSec;
  private final long horizonSec;
  private final int version;
  private final Instant trainedUntil;

  public LstmModel(MultiLayerNetwork network, QuantileLevels levels, long blockSec, long horizonSec, int version, Instant trainedUntil) {
    this.network = Objects.requireNonNull(network, "network");
    this.levels = Objects.requireNonNull(levels, "levels");
    this.blockSec = blockSec;
    this.horizonSec = horizonSec;
    this.version = version;
    this.trainedUntil = Objects.requireNonNull(trainedUntil, "trainedUntil");
    if (network.layerInputSize(0) != BlockFeatures.COUNT || network.layerSize(network.getnLayers() - 1) != levels.size()) {
      throw new IllegalArgumentException("network shape " + network.layerInputSize(0) + " -> "
          + network.layerSize(network.getnLayers() - 1) + " does not fit " + BlockFeatures.COUNT
          + " features and " + levels.size() + " levels");
    }
  }

  /** A fresh, untrained network for {@code levels}. */
  public static MultiLayerNetwork newNetwork(QuantileLevels levels, long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(new Adam(3e-3))
        .weightInit(WeightInit.XAVIER)
        .list()
        .layer(new LSTM.Builder().nIn(BlockFeatures.COUNT).nOut(HIDDEN).activation(Activation.TANH).build())
        .layer(new RnnOutputLayer.Builder(new PinballLossFunction(levels.toArray()))
            .activation(Activation.IDENTITY).nIn(HIDDEN).nOut(levels.size()).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** The network itself (shared: do not step it). */
  public MultiLayerNetwork network() {
    return network;
  }

  /** A copy with its own parameters and recurrent state. */
  public MultiLayerNetwork copyNetwork() {
    MultiLayerNetwork copy = network.clone();
    copy.rnnClearPreviousState();
    return copy;
  }

  public QuantileLevels levels() {
    return levels;
  }

  public long blockSec() {
    return blockSec;
  }

  public long horizonSec() {
    return horizonSec;
  }

  public int version() {
    return version;
  }

  public Instant trainedUntil() {
    return trainedUntil;
  }

  /** The version string reported in forecasts, e.g. {@code lstm-v3@2013-07-16T00:00:00Z}. */
  public String versionLabel() {
    return "lstm-v" + version + "@" + trainedUntil;
  }
}
