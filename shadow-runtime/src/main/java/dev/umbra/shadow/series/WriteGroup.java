package dev.umbra.shadow.series;

import java.util.List;
import java.util.Objects;

/**
 * Grid points and primary records to commit together, and what to do once they are durable
 * (e.g. acknowledge the batches they came from).
 */
public record WriteGroup(List<GridPoint> points, List<PrimaryRecord> primaries, Runnable onDurable) {
  public WriteGroup {
    points = List.copyOf(points);
    primaries = List.copyOf(primaries);
    Objects.requireNonNull(onDurable, "onDurable");
  }
}
