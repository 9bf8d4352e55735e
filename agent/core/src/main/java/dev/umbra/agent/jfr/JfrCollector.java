package dev.umbra.agent.jfr;

import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.log.AgentLog;
import dev.umbra.agent.log.AgentThreads;
import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * A JFR {@code RecordingStream} run by the {@code umbra-jfr} thread (its own, so that reading
 * the repository is the agent's I/O, not the application's), folding events into
 * {@link JfrAggregates}. Settings change live through {@link #apply(Sampling)}.
 */
public final class JfrCollector implements AutoCloseable {
  private final RecordingStream stream;
  private final JfrAggregates aggregates = new JfrAggregates();
  private final Thread thread;
  private final int stackDepth;
  private final int processors = Runtime.getRuntime().availableProcessors();

  private JfrCollector(RecordingStream stream, int stackDepth) {
    this.stream = stream;
    this.stackDepth = stackDepth;
    this.thread = AgentThreads.single("jfr").newThread(this::run);
  }

  /**
   * JFR's global buffers for the agent's few hundred events per second: 2 × 128 KB instead of
   * 20 × 512 KB (JFR's minimum count is 2). Events go to 8 KB thread-local buffers first and the
   * stream flushes every second, so they never fill; when they do, JFR leases transient buffers
   * rather than drop events. NMT "Tracing", measured: 4 × 256 KB 6.3 MB, 2 × 128 KB 5.5 MB; the
   * remaining ~5 MB are JFR's fixed string pool, checkpoint and repository buffers (agent/BENCHMARK.md, run 14).
   */
  static final long GLOBAL_BUFFER_COUNT = 2;
  static final long GLOBAL_BUFFER_SIZE = 128 * 1024;

  /**
   * Shrinks JFR's in-memory buffers to {@link #GLOBAL_BUFFER_COUNT} × {@link #GLOBAL_BUFFER_SIZE}
   * as {@code jcmd JFR.configure globalbuffercount=… globalbuffersize=…} would, which JFR allows
   * only before it initializes and no public API offers. Does nothing (false) when JFR already
   * runs, when the command line configures it ({@code -XX:FlightRecorderOptions},
   * {@code -XX:StartFlightRecording}), or when this JDK's internals differ; JFR then keeps its
   * defaults, which is only more memory.
   */
  public static boolean shrinkBuffers(Instrumentation instrumentation, List<String> jvmArguments) {
    try {
      if (jdk.jfr.FlightRecorder.isInitialized()
          || jvmArguments.stream().anyMatch(a -> a.contains("FlightRecorder") || a.contains("StartFlightRecording"))) {
        return false;
      }
      Module jfr = jdk.jfr.FlightRecorder.class.getModule();
      instrumentation.redefineModule(jfr, Set.of(),
          Map.of("jdk.jfr.internal", Set.of(JfrCollector.class.getModule())),
          Map.of(), Set.of(), Map.of());
      Class<?> options = Class.forName("jdk.jfr.internal.Options", true, jdk.jfr.FlightRecorder.class.getClassLoader());
      options.getMethod("setGlobalBufferCount", long.class).invoke(null, GLOBAL_BUFFER_COUNT);
      options.getMethod("setGlobalBufferSize", long.class).invoke(null, GLOBAL_BUFFER_SIZE);
      options.getMethod("setMemorySize", long.class).invoke(null, GLOBAL_BUFFER_COUNT * GLOBAL_BUFFER_SIZE);
      return true;
    } catch (Throwable t) {
      AgentLog.debug("JFR keeps its default buffers: " + t);
      return false;
    }
  }

  /** Starts the stream; empty (logged once) when JFR is unavailable or refuses. */
  public static Optional<JfrCollector> start(Sampling sampling, int stackDepth) {
    try {
      RecordingStream stream = new RecordingStream();
      stream.setSettings(JfrSettings.forSampling(sampling));
      stream.setMaxAge(Duration.ofSeconds(30));
      stream.setReuse(true);
      stream.setOrdered(false);
      JfrCollector collector = new JfrCollector(stream, stackDepth);
      collector.subscribe();
      collector.thread.start();
      return Optional.of(collector);
    } catch (Throwable t) {
      AgentLog.warn("JFR is not available, running without it", t);
      return Optional.empty();
    }
  }

  private void run() {
    try {
      stream.start();
    } catch (Throwable t) {
      AgentLog.warn("JFR stream stopped", t);
    }
  }

  private void subscribe() {
    stream.onEvent(JfrSettings.GC, e -> aggregates.gc(e.getLong("gcId"), e.getEndTime().toEpochMilli(),
        e.getString("name"), String.valueOf(e.getString("cause")), millis(e.getDuration("sumOfPauses"))));
    stream.onEvent(JfrSettings.HEAP_SUMMARY, e -> aggregates.heapSummary(e.getLong("gcId"),
        "Before GC".equals(e.getString("when")), e.getLong("heapUsed")));
    stream.onEvent(JfrSettings.ALLOCATION_SAMPLE, e -> {
      // the agent's own allocation is not the application's: the old-object dump and its
      // parsing (every histogram period, first at 30 s) read 4-9 MB/s for a second against an
      // idle primary's 0.2-0.7 MB/s, and the shadow flagged it as the primary's spike
      RecordedThread thread = e.getThread();
      if (thread != null && AgentThreads.isAgentThread(thread.getJavaThreadId())) {
        return;
      }
      RecordedClass type = e.getClass("objectClass");
      aggregates.allocation(type == null ? "(unknown)" : type.getName(), e.getLong("weight"));
    });
    stream.onEvent(JfrSettings.EXECUTION_SAMPLE, e -> aggregates.executionSample(frames(e.getStackTrace())));
    stream.onEvent(JfrSettings.MONITOR_ENTER, e -> aggregates.contention(
        className(e.getClass("monitorClass")), "monitor", millis(e.getDuration())));
    stream.onEvent(JfrSettings.THREAD_PARK, e -> aggregates.contention(
        className(e.getClass("parkedClass")), "park", millis(e.getDuration())));
    stream.onEvent(JfrSettings.SAFEPOINT, e -> aggregates.safepoint(millis(e.getDuration())));
    stream.onEvent(JfrSettings.THREAD_CPU, e -> {
      RecordedThread t = e.getThread();
      double load = e.getFloat("user") + e.getFloat("system");
      if (t != null && load > 0) {
        aggregates.threadCpu(String.valueOf(t.getJavaName()), load * processors);
      }
    });
    stream.onEvent(JfrSettings.CPU_LOAD, e -> aggregates.machineCpu(e.getFloat("machineTotal") * processors));
    stream.onEvent(JfrSettings.FILE_READ, e -> aggregates.slowIo("file.read"));
    stream.onEvent(JfrSettings.FILE_WRITE, e -> aggregates.slowIo("file.write"));
    stream.onEvent(JfrSettings.SOCKET_READ, e -> aggregates.slowIo("socket.read"));
    stream.onEvent(JfrSettings.SOCKET_WRITE, e -> aggregates.slowIo("socket.write"));
    stream.onEvent(JfrSettings.CONTAINER_CPU, e -> aggregates.container("container.cpu.time", e.getLong("cpuTime")));
    stream.onEvent(JfrSettings.CONTAINER_MEMORY, e -> aggregates.container("container.memory.usage", e.getLong("memoryUsage")));
    stream.onEvent(JfrSettings.CONTAINER_THROTTLING, e -> aggregates.container("container.cpu.throttled", e.getLong("cpuThrottledSlices")));
  }

  private List<String> frames(RecordedStackTrace trace) {
    if (trace == null) {
      return List.of();
    }
    List<RecordedFrame> frames = trace.getFrames();
    List<String> top = new ArrayList<>(Math.min(frames.size(), stackDepth));
    for (int i = 0; i < frames.size() && top.size() < stackDepth; i++) {
      RecordedFrame f = frames.get(i);
      top.add(f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber());
    }
    return List.copyOf(top);
  }

  private static String className(RecordedClass c) {
    return c == null ? "(unknown)" : c.getName();
  }

  private static double millis(Duration d) {
    return d == null ? 0 : d.toNanos() / 1e6;
  }

  /** Changes the settings of the running stream. */
  public void apply(Sampling sampling) {
    stream.setSettings(JfrSettings.forSampling(sampling));
  }

  /** What the events since the previous drain add up to. Sampler thread. */
  public JfrInterval drain(long nowUnixMs, Duration interval, int topClasses) {
    return aggregates.drain(nowUnixMs, interval, topClasses);
  }

  @Override
  public void close() {
    try {
      stream.close();
      thread.join(300);
    } catch (Throwable t) {
      AgentLog.warn("closing the JFR stream failed", t);
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

}
