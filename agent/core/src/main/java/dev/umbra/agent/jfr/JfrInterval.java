package dev.umbra.agent.jfr;

import dev.umbra.agent.telemetry.AgentEvent;
import java.util.List;
import java.util.Map;

/**
 * What JFR saw in one gauge interval.
 *
 * @param gcPauseMs sum of GC pauses
 * @param allocatedBytes sum of allocation-sample weights: JFR's estimate of bytes allocated
 * @param threadCpuCores CPU per thread name, in cores
 * @param slowIo JFR file/socket events over the threshold, by kind
 * @param container container series (cgroup) when the JVM runs in one
 * @param machineCpuCores the machine's CPU load in cores, or -1 when no jdk.CPULoad arrived
 */
public record JfrInterval(double gcPauseMs, long allocatedBytes, List<AgentEvent> events,
    Map<String, Double> threadCpuCores, double safepointMs, long safepoints,
    Map<String, Long> slowIo, Map<String, Double> container, double machineCpuCores) {
  public JfrInterval {
    events = List.copyOf(events);
    threadCpuCores = Map.copyOf(threadCpuCores);
    slowIo = Map.copyOf(slowIo);
    container = Map.copyOf(container);
  }
}
