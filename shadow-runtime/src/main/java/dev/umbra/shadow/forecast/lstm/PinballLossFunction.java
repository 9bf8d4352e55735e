package dev.umbra.shadow.forecast.lstm;

import java.util.Arrays;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Multi-quantile pinball loss for Deeplearning4j: output column j is the quantile at level
 * {@code levels[j]} of the label in that column (callers repeat the target across columns).
 * Score per example = Σ_j max(τ_j·(y − q_j), (τ_j − 1)·(y − q_j)); gradient −τ_j where y &gt;
 * q_j, 1 − τ_j otherwise. Masks (per example or per output) zero both. Computed on the heap:
 * the heads here are a few columns wide.
 */
public final class PinballLossFunction implements ILossFunction {
  private static final long serialVersionUID = 1L;

  @JsonProperty("levels")
  private final double[] levels;

  public PinballLossFunction(@JsonProperty("levels") double[] levels) {
    if (levels == null || levels.length == 0) {
      throw new IllegalArgumentException("pinball loss needs at least one level");
    }
    this.levels = levels.clone();
  }

  public double[] getLevels() {
    return levels.clone();
  }

  /** Row-major n × k values, per example and output; the rows of per-example masks are repeated. */
  private double[] perElement(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask, boolean gradient) {
    INDArray out = activation.getActivation(preOutput.dup(), true);
    int n = (int) out.rows();
    int k = (int) out.columns();
    if (k != levels.length || labels.columns() != k) {
      throw new IllegalArgumentException("pinball loss: " + k + " outputs, " + labels.columns()
          + " label columns, " + levels.length + " levels");
    }
    // flat copies, not toDoubleMatrix(): that makes an INDArray view per row, ~0.3 GB of short-lived
    // heap per fit of 720 blocks (JFR ObjectAllocationSample), a quarter of the fit's allocation
    double[] q = flat(out);
    double[] y = flat(labels);
    double[] m = mask == null ? null : flat(mask);
    int maskColumns = mask == null ? 0 : (int) (mask.length() / n);
    double[] r = new double[n * k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        double w = m == null ? 1 : m[i * maskColumns + (maskColumns == 1 ? 0 : j)];
        double diff = y[i * k + j] - q[i * k + j];
        double tau = levels[j];
        r[i * k + j] = w * (gradient ? (diff > 0 ? -tau : 1 - tau) : Math.max(tau * diff, (tau - 1) * diff));
      }
    }
    return r;
  }

  private static double[] flat(INDArray a) {
    return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }

  @Override
  public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
    double[] loss = perElement(labels, preOutput, activation, mask, false);
    int n = (int) preOutput.rows();
    int k = loss.length / n;
    double[] perExample = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        perExample[i] += loss[i * k + j];
      }
    }
    return Nd4j.createFromArray(perExample).reshape(n, 1).castTo(preOutput.dataType());
  }

  @Override
  public double computeScore(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask, boolean average) {
    double sum = computeScoreArray(labels, preOutput, activation, mask).sumNumber().doubleValue();
    return average ? sum / preOutput.rows() : sum;
  }

  @Override
  public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
    double[] dLdOut = perElement(labels, preOutput, activation, mask, true);
    INDArray grad = Nd4j.createFromArray(dLdOut).reshape('c', preOutput.rows(), preOutput.columns())
        .castTo(preOutput.dataType());
    return activation.backprop(preOutput.dup(), grad).getFirst();
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(
      INDArray labels, INDArray preOutput, IActivation activation, INDArray mask, boolean average) {
    return new Pair<>(computeScore(labels, preOutput, activation, mask, average),
        computeGradient(labels, preOutput, activation, mask));
  }

  @Override
  public String name() {
    return "pinball" + Arrays.toString(levels);
  }

  @Override
  public String toString() {
    return name();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PinballLossFunction p && Arrays.equals(levels, p.levels);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(levels);
  }
}
