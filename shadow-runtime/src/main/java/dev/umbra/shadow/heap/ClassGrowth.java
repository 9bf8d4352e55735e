package dev.umbra.shadow.heap;

import java.util.Objects;

/**
 * How one class changed between two histograms of a primary.
 *
 * @param className the class
 * @param bytes its bytes in the later histogram
 * @param instances its instances in the later histogram
 * @param bytesGrowth later minus earlier bytes; when the earlier histogram did not list the class
 *     although it left classes out, a lower bound (the class held at most its smallest listed one)
 * @param instancesGrowth later minus earlier instances, a lower bound in the same case (estimated
 *     at the class's later bytes per instance)
 */
public record ClassGrowth(String className, long bytes, long instances, long bytesGrowth, long instancesGrowth) {
  public ClassGrowth {
    Objects.requireNonNull(className, "className");
  }
}
