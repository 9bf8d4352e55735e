package dev.umbra.agent.telemetry;

import java.util.List;

/** Points and events gathered since the previous batch; numbered 1, 2, 3, … per JVM run. */
public record Batch(long sequence, long createdUnixMs, List<Point> points, List<AgentEvent> events) {
  public Batch {
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence starts at 1: " + sequence);
    }
    points = List.copyOf(points);
    events = List.copyOf(events);
  }
}
