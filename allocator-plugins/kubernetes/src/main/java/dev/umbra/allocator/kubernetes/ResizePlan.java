package dev.umbra.allocator.kubernetes;

import dev.umbra.allocator.Allocation;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The change a desired allocation asks of one container: new requests, limits scaled to keep
 * each limit/request ratio, a line per change for people, and the resources whose resize policy
 * restarts the container.
 */
record ResizePlan(
    String container,
    Map<String, BigDecimal> requests,
    Map<String, BigDecimal> limits,
    Map<String, BigDecimal> targetRequests,
    List<String> changes,
    List<String> restarts) {

  static ResizePlan of(String container, ContainerState state, Allocation desired) {
    Map<String, BigDecimal> wanted = new LinkedHashMap<>();
    desired.cpuCores().ifPresent(cores -> wanted.put(Quantities.CPU, Quantities.cores(cores)));
    desired.memoryBytes().ifPresent(bytes -> wanted.put(Quantities.MEMORY, BigDecimal.valueOf(bytes)));
    Map<String, BigDecimal> requests = new LinkedHashMap<>();
    Map<String, BigDecimal> limits = new LinkedHashMap<>();
    Map<String, BigDecimal> target = new LinkedHashMap<>(state.specRequests());
    List<String> changes = new ArrayList<>();
    List<String> restarts = new ArrayList<>();
    for (Map.Entry<String, BigDecimal> entry : wanted.entrySet()) {
      String resource = entry.getKey();
      BigDecimal request = entry.getValue();
      target.put(resource, request);
      // Kubernetes defaults a missing request to the limit.
      BigDecimal oldRequest = state.specRequests().getOrDefault(resource, state.specLimits().get(resource));
      if (Quantities.same(oldRequest, request)) {
        continue;
      }
      requests.put(resource, request);
      String change = resource + " request " + Quantities.describe(resource, oldRequest) + " -> " + Quantities.describe(resource, request);
      BigDecimal oldLimit = state.specLimits().get(resource);
      if (oldLimit != null) {
        BigDecimal limit = oldRequest == null || oldRequest.signum() == 0
            ? request
            : request.multiply(oldLimit).divide(oldRequest, MathContext.DECIMAL64);
        limit = resource.equals(Quantities.CPU)
            ? limit.setScale(3, RoundingMode.CEILING)
            : limit.setScale(0, RoundingMode.FLOOR);
        limits.put(resource, limit.max(request));
        change += " (limit " + Quantities.describe(resource, oldLimit) + " -> " + Quantities.describe(resource, limits.get(resource)) + ")";
      }
      changes.add(change);
      if ("RestartContainer".equals(state.restartPolicy(resource))) {
        restarts.add(resource);
      }
    }
    return new ResizePlan(container, Map.copyOf(requests), Map.copyOf(limits), Map.copyOf(target), List.copyOf(changes), List.copyOf(restarts));
  }

  boolean isEmpty() {
    return requests.isEmpty();
  }

  /**
   * A strategic merge patch: containers merge by name, resource maps by key, so only the changed
   * requests and limits are sent and the other containers are left alone.
   */
  String patchJson() {
    StringBuilder json = new StringBuilder("{\"spec\":{\"containers\":[{\"name\":\"").append(container).append("\",\"resources\":{");
    json.append("\"requests\":").append(quantities(requests));
    if (!limits.isEmpty()) {
      json.append(",\"limits\":").append(quantities(limits));
    }
    return json.append("}}]}}").toString();
  }

  private static String quantities(Map<String, BigDecimal> values) {
    StringBuilder json = new StringBuilder("{");
    for (String resource : new String[] {Quantities.CPU, Quantities.MEMORY}) {
      BigDecimal value = values.get(resource);
      if (value != null) {
        if (json.length() > 1) {
          json.append(',');
        }
        json.append('"').append(resource).append("\":\"").append(Quantities.format(resource, value)).append('"');
      }
    }
    return json.append('}').toString();
  }
}
