package dev.umbra.shadow.heap;

import java.util.Objects;

/**
 * One class's row in a heap class histogram.
 *
 * @param className as the JVM names it, e.g. {@code com.example.Cache$Entry} or {@code [B}
 * @param bytes the shallow size of all its instances on the heap
 * @param instances how many there are
 */
public record ClassCount(String className, long bytes, long instances) {
  public ClassCount {
    Objects.requireNonNull(className, "className");
    if (className.isBlank()) {
      throw new IllegalArgumentException("className is blank");
    }
    if (bytes < 0 || instances < 0) {
      throw new IllegalArgumentException(className + ": bytes " + bytes + " or instances " + instances + " is negative");
    }
  }
}
