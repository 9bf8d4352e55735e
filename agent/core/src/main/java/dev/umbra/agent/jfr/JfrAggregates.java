package dev.umbra.agent.jfr;

import dev.umbra.agent.telemetry.AgentEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the JFR events of one interval add up to. Written by the {@code umbra-jfr} thread,
 * drained by the sampler; every method is synchronized (a few hundred events a second).
 */
final class JfrAggregates {
  private static final int MAX_PENDING_GCS = 256;
  private static final int MAX_STACKS = 4096;

  private double gcPauseMs;
  private final List<GcParts> gcs = new ArrayList<>();
  private final Map<Long, long[]> heapByGc = new LinkedHashMap<>();
  private long allocatedBytes;
  private final Map<String, long[]> allocationByClass = new HashMap<>();
  private final Map<List<String>, long[]> stacks = new HashMap<>();
  private final Map<String, double[]> contention = new HashMap<>();
  private final Map<String, Double> threadCpu = new HashMap<>();
  private double safepointMs;
  private long safepoints;
  private final Map<String, Long> slowIo = new HashMap<>();
  private final Map<String, Double> container = new LinkedHashMap<>();
  private double machineCpu = -1;

  private record GcParts(long gcId, long timeUnixMs, String name, String cause, double pauseMs) {}

  synchronized void gc(long gcId, long timeUnixMs, String name, String cause, double pauseMs) {
    gcPauseMs += pauseMs;
    if (gcs.size() < MAX_PENDING_GCS) {
      gcs.add(new GcParts(gcId, timeUnixMs, name, cause, pauseMs));
    }
  }

  synchronized void heapSummary(long gcId, boolean before, long heapUsed) {
    long[] parts = heapByGc.computeIfAbsent(gcId, id -> new long[] {-1, -1});
    parts[before ? 0 : 1] = heapUsed;
    if (heapByGc.size() > MAX_PENDING_GCS) {
      heapByGc.remove(heapByGc.keySet().iterator().next());
    }
  }

  synchronized void allocation(String className, long weightBytes) {
    allocatedBytes += weightBytes;
    long[] c = allocationByClass.computeIfAbsent(className, k -> new long[2]);
    c[0] += weightBytes;
    c[1]++;
  }

  synchronized void executionSample(List<String> frames) {
    long[] count = stacks.get(frames);
    if (count == null && stacks.size() < MAX_STACKS) {
      stacks.put(frames, count = new long[1]);
    }
    if (count != null) {
      count[0]++;
    }
  }

  synchronized void contention(String className, String type, double durationMs) {
    double[] c = contention.computeIfAbsent(type + '\u0000' + className, k -> new double[2]);
    c[0]++;
    c[1] += durationMs;
  }

  synchronized void threadCpu(String thread, double cores) {
    threadCpu.merge(thread, cores, Math::max);
  }

  synchronized void machineCpu(double cores) {
    machineCpu = cores;
  }

  synchronized void safepoint(double durationMs) {
    safepointMs += durationMs;
    safepoints++;
  }

  synchronized void slowIo(String kind) {
    slowIo.merge(kind, 1L, Long::sum);
  }

  synchronized void container(String series, double value) {
    container.put(series, value);
  }

  /** Everything since the previous drain; resets. */
  synchronized JfrInterval drain(long nowUnixMs, Duration interval, int topClasses) {
    List<AgentEvent> events = new ArrayList<>();
    for (GcParts gc : gcs) {
      long[] heap = heapByGc.remove(gc.gcId);
      events.add(new AgentEvent.Gc(gc.timeUnixMs, gc.name, gc.cause, gc.pauseMs,
          heap == null ? -1 : heap[0], heap == null ? -1 : heap[1]));
    }
    gcs.clear();
    if (!allocationByClass.isEmpty()) {
      List<Map.Entry<String, long[]>> sorted = new ArrayList<>(allocationByClass.entrySet());
      sorted.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed());
      List<AgentEvent.ClassBytes> top = new ArrayList<>();
      long other = 0;
      for (Map.Entry<String, long[]> e : sorted) {
        if (top.size() < topClasses) {
          top.add(new AgentEvent.ClassBytes(e.getKey(), e.getValue()[0], e.getValue()[1]));
        } else {
          other += e.getValue()[0];
        }
      }
      events.add(new AgentEvent.Classes(nowUnixMs, AgentEvent.ClassesKind.ALLOCATION, interval, top, other));
    }
    if (!stacks.isEmpty()) {
      List<AgentEvent.StackCount> counts = new ArrayList<>();
      stacks.forEach((frames, n) -> counts.add(new AgentEvent.StackCount(frames, n[0])));
      counts.sort(Comparator.comparingLong(AgentEvent.StackCount::samples).reversed());
      events.add(new AgentEvent.Stacks(nowUnixMs, interval, counts.subList(0, Math.min(counts.size(), 200))));
    }
    if (!contention.isEmpty()) {
      List<AgentEvent.ContentionEntry> entries = new ArrayList<>();
      contention.forEach((key, c) -> {
        int split = key.indexOf('\u0000');
        entries.add(new AgentEvent.ContentionEntry(key.substring(split + 1), key.substring(0, split), (long) c[0], c[1]));
      });
      events.add(new AgentEvent.Contention(nowUnixMs, interval, entries));
    }
    JfrInterval result = new JfrInterval(gcPauseMs, allocatedBytes, events, Map.copyOf(threadCpu),
        safepointMs, safepoints, Map.copyOf(slowIo), Map.copyOf(container), machineCpu);
    gcPauseMs = 0;
    allocatedBytes = 0;
    allocationByClass.clear();
    stacks.clear();
    contention.clear();
    threadCpu.clear();
    safepointMs = 0;
    safepoints = 0;
    slowIo.clear();
    container.clear();
    return result;
  }
}
