package dev.umbra.agent.jfr;

import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JFR settings for a {@link Sampling}: only the events the agent reads, each with a period
 * or threshold from the criticality, stack traces off except for execution samples. This is
 * what keeps {@code normal} cheap where JFR's {@code default} configuration (every event on,
 * 20 ms sampling, stack traces everywhere) is not.
 */
public final class JfrSettings {
  static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";
  static final String ALLOCATION_SAMPLE = "jdk.ObjectAllocationSample";
  static final String GC = "jdk.GarbageCollection";
  static final String HEAP_SUMMARY = "jdk.GCHeapSummary";
  static final String THREAD_CPU = "jdk.ThreadCPULoad";
  static final String CPU_LOAD = "jdk.CPULoad";
  static final String MONITOR_ENTER = "jdk.JavaMonitorEnter";
  static final String THREAD_PARK = "jdk.ThreadPark";
  static final String SAFEPOINT = "jdk.SafepointBegin";
  static final String FILE_READ = "jdk.FileRead";
  static final String FILE_WRITE = "jdk.FileWrite";
  static final String SOCKET_READ = "jdk.SocketRead";
  static final String SOCKET_WRITE = "jdk.SocketWrite";
  static final String CONTAINER_CPU = "jdk.ContainerCPUUsage";
  static final String CONTAINER_MEMORY = "jdk.ContainerMemoryUsage";
  static final String CONTAINER_THROTTLING = "jdk.ContainerCPUThrottling";

  private JfrSettings() {}

  /** Settings map for {@code RecordingStream.setSettings}. */
  public static Map<String, String> forSampling(Sampling sampling) {
    Map<String, String> s = new TreeMap<>();
    String gauge = millis(sampling.gaugePeriod());
    on(s, GC, false);
    on(s, HEAP_SUMMARY, false);
    on(s, CPU_LOAD, false);
    s.put(CPU_LOAD + "#period", gauge);
    on(s, THREAD_CPU, false);
    // per-thread CPU walks every thread: every 10 s at low, every gauge period otherwise
    s.put(THREAD_CPU + "#period",
        sampling.criticality() == Criticality.LOW ? "10 s" : gauge);
    if (sampling.allocationSamplesOn()) {
      on(s, ALLOCATION_SAMPLE, false);
      s.put(ALLOCATION_SAMPLE + "#throttle", sampling.allocationSamplesPerSecond() + "/s");
    } else {
      s.put(ALLOCATION_SAMPLE + "#enabled", "false");
    }
    if (sampling.executionSamplesOn()) {
      on(s, EXECUTION_SAMPLE, true);
      s.put(EXECUTION_SAMPLE + "#period", millis(sampling.executionSamplePeriod()));
    } else {
      s.put(EXECUTION_SAMPLE + "#enabled", "false");
    }
    threshold(s, MONITOR_ENTER, sampling.contentionThreshold());
    threshold(s, THREAD_PARK, sampling.contentionThreshold());
    threshold(s, SAFEPOINT, Duration.ofMillis(10));
    // The hooks count every file and socket operation; JFR's own I/O events (which on JDK 17
    // instrument the same classes at start-up and time every call) only add the slow ones'
    // stack traces, worth their cost at high only.
    for (String io : new String[] {FILE_READ, FILE_WRITE, SOCKET_READ, SOCKET_WRITE}) {
      if (sampling.criticality() == Criticality.HIGH) {
        threshold(s, io, sampling.ioEventThreshold());
      } else {
        s.put(io + "#enabled", "false");
      }
    }
    for (String container : new String[] {CONTAINER_CPU, CONTAINER_MEMORY, CONTAINER_THROTTLING}) {
      on(s, container, false);
      s.put(container + "#period", gauge);
    }
    return s;
  }

  private static void on(Map<String, String> s, String event, boolean stackTrace) {
    s.put(event + "#enabled", "true");
    s.put(event + "#stackTrace", Boolean.toString(stackTrace));
  }

  private static void threshold(Map<String, String> s, String event, Duration threshold) {
    if (threshold.isZero()) {
      s.put(event + "#enabled", "false");
      return;
    }
    on(s, event, false);
    s.put(event + "#threshold", millis(threshold));
  }

  static String millis(Duration d) {
    return d.toMillis() + " ms";
  }
}
