package dev.umbra.shadow.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import dev.umbra.shadow.manager.Decision;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The allocation drawn over a series: what the primary started with (for CPU its container
 * limit, else the processors its JVM sees; for the heap its max heap; for other memory its
 * container limit) and then each applied resource decision as a step. Only CPU and memory series
 * have one.
 */
final class AllocationLine {
  private AllocationLine() {}

  /** CPU for CPU series, memory for memory series, else empty. */
  static Optional<Decision.Resource> resourceOf(String series) {
    if (series.equals("cpu.process")) {
      return Optional.of(Decision.Resource.CPU);
    }
    if (series.startsWith("mem.")) {
      return Optional.of(Decision.Resource.MEMORY);
    }
    return Optional.empty();
  }

  /** The line as JSON ({@code resource, source, initial, steps: [[ms, value], ...]}), or empty. */
  static Optional<JsonObject> of(PrimaryIdentity identity, String series, List<Decision> decisions) {
    Optional<Decision.Resource> resource = resourceOf(series);
    if (resource.isEmpty()) {
      return Optional.empty();
    }
    double initial = Double.NaN;
    String source = "";
    PrimaryIdentity.JvmFacts jvm = identity.jvm();
    if (resource.get() == Decision.Resource.CPU) {
      if (jvm.containerCpuLimitCores() > 0) {
        initial = jvm.containerCpuLimitCores();
        source = "container limit";
      } else if (jvm.availableProcessors() > 0) {
        initial = jvm.availableProcessors();
        source = "available processors";
      }
    } else if (series.startsWith("mem.heap.") && jvm.maxHeapBytes() > 0) {
      initial = jvm.maxHeapBytes(); // the heap's own limit, whatever the container allows
      source = "max heap";
    } else if (jvm.containerMemoryLimitBytes() > 0) {
      initial = jvm.containerMemoryLimitBytes();
      source = "container limit";
    }
    List<Decision> applied = decisions.stream()
        .filter(d -> d.resource() == resource.get() && d.applied())
        .filter(d -> d.action() == Decision.Action.SCALE_UP || d.action() == Decision.Action.SCALE_DOWN)
        .sorted(Comparator.comparing(Decision::at))
        .toList();
    if (Double.isNaN(initial) && applied.isEmpty()) {
      return Optional.empty();
    }
    JsonObject o = new JsonObject();
    o.addProperty("resource", resource.get().label());
    o.addProperty("source", applied.isEmpty() ? source : "resource manager");
    o.add("initial", Json.number(initial));
    JsonArray steps = new JsonArray();
    for (Decision d : applied) {
      JsonArray step = new JsonArray(2);
      step.add(d.at().toEpochMilli());
      step.add(Json.number(d.desired()));
      steps.add(step);
    }
    o.add("steps", steps);
    return Optional.of(o);
  }
}
