package dev.umbra.agent.sampler;

import static dev.umbra.agent.sampler.CanonicalSeries.*;

import com.sun.management.OperatingSystemMXBean;
import dev.umbra.agent.bootstrap.EndpointTable;
import dev.umbra.agent.bootstrap.IoCounters;
import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.jfr.JfrCollector;
import dev.umbra.agent.jfr.JfrInterval;
import dev.umbra.agent.log.AgentLog;
import dev.umbra.agent.log.AgentThreads;
import dev.umbra.agent.telemetry.AgentEvent;
import dev.umbra.agent.telemetry.Batch;
import dev.umbra.agent.telemetry.BatchBuffer;
import dev.umbra.agent.telemetry.Point;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code umbra-sampler} thread. Every gauge period: the canonical series, labeled
 * breakdowns (per-thread CPU, slow I/O, container) and the interval's events; every batch
 * period: a {@link Batch} into the {@link BatchBuffer}; every class-histogram period: the
 * histogram. All state below is touched by that one thread only.
 */
public final class Sampler implements AutoCloseable {
  private static final int TOP_THREADS = 10;

  private final Clock clock;
  private final BatchBuffer buffer;
  private volatile Optional<JfrCollector> jfr;
  private Optional<dev.umbra.agent.jfr.OldObjectSampler> oldObjects = Optional.empty();
  private final int stackDepth;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(AgentThreads.single("sampler"));
  private final AtomicLong nextSequence = new AtomicLong(1);
  private final List<Point> points = new ArrayList<>();
  private final List<AgentEvent> events = new ArrayList<>();
  private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
  private volatile Sampling sampling;

  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
  private final Optional<MemoryPoolMXBean> metaspace = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getName().equals("Metaspace")).findFirst();
  private final HeapAfterGc heapAfterGc = new HeapAfterGc();
  private final int processors = Runtime.getRuntime().availableProcessors();

  private long lastNanos;
  private long lastCpuNanos = -1;
  private final Rate diskRead = new Rate();
  private final Rate diskWrite = new Rate();
  private final Rate diskOps = new Rate();
  private final Rate netRx = new Rate();
  private final Rate netTx = new Rate();
  private final Rate netOps = new Rate();
  private final Rate gcMillis = new Rate();
  private final Map<Long, Long> allocatedByThread = new HashMap<>();
  private boolean histogramFailed;
  private long adviceErrorsSeen;
  private volatile Runnable onAdviceErrors = () -> {};
  private volatile DiagnosticCommands diagnostics = DiagnosticCommands.throughMBeanServer();
  private volatile Runnable everyGauge = () -> {};
  /** Between {@link #pause} and {@link #resume}: nothing is scheduled. Sampler thread only. */
  private boolean paused;

  public Sampler(Sampling sampling, Clock clock, BatchBuffer buffer, Optional<JfrCollector> jfr, int stackDepth) {
    this.stackDepth = stackDepth;
    this.sampling = sampling;
    this.clock = clock;
    this.buffer = buffer;
    this.jfr = jfr;
  }

  /** The JFR stream to drain; before {@link #start} (later ones come with {@link #resume}). */
  public void useJfr(Optional<JfrCollector> jfr) {
    this.jfr = jfr;
  }

  /** Runs once, on the sampler thread, the first time the I/O advice reports suppressed errors. */
  public void onAdviceErrors(Runnable handler) {
    this.onAdviceErrors = handler;
  }

  /** How the class histogram is read; before {@link #start}. */
  public void useDiagnosticCommands(DiagnosticCommands commands) {
    this.diagnostics = commands;
  }

  /** Runs {@code task} on the sampler thread after every gauge reading; it must be quick and not throw. */
  public void onEveryGauge(Runnable task) {
    this.everyGauge = task;
  }

  public void start() {
    lastNanos = System.nanoTime();
    executor.execute(this::schedule);
  }

  /** Changes the periods; takes effect on the sampler thread (on resume, when paused). */
  public void apply(Sampling next) {
    executor.execute(() -> {
      sampling = next;
      if (!paused) {
        schedule();
      }
    });
  }

  /**
   * Stops sampling until {@link #resume}, for a CRaC checkpoint: cancels the periodic tasks,
   * closes the batch in progress into the buffer, closes the old-object recording (it holds a
   * JFR repository file) and returns once the sampler thread has done so. Idempotent.
   *
   * @throws java.util.concurrent.TimeoutException when the sampler thread is still busy after
   *     {@code budget} (a class histogram of a huge heap): it pauses when that ends
   */
  public void pause(Duration budget) throws Exception {
    executor.submit(() -> {
      tasks.forEach(t -> t.cancel(false));
      tasks.clear();
      closeBatch();
      oldObjects.ifPresent(dev.umbra.agent.jfr.OldObjectSampler::close);
      oldObjects = Optional.empty();
      paused = true;
      return null;
    }).get(budget.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Samples again after {@link #pause}, with {@code jfr} (the JFR stream opened after the
   * restore, or none); rates start from this moment. Does nothing when not paused.
   */
  public void resume(Optional<JfrCollector> jfr) {
    executor.execute(() -> {
      if (!paused) {
        return;
      }
      paused = false;
      this.jfr = jfr;
      lastNanos = System.nanoTime();
      lastCpuNanos = -1;
      schedule();
    });
  }

  /**
   * Numbers the next batch 1 again: a JVM restored from a CRaC image is a new run under a new
   * primary id. Only while paused (no batch is being closed).
   */
  public void restartSequence() {
    nextSequence.set(1);
  }

  public Sampling sampling() {
    return sampling;
  }

  /** The sequence number the next batch will carry. */
  public long nextSequence() {
    return nextSequence.get();
  }

  private void schedule() {
    tasks.forEach(t -> t.cancel(false));
    tasks.clear();
    Sampling s = sampling;
    tasks.add(executor.scheduleAtFixedRate(guarded("gauges", this::gauges),
        s.gaugePeriod().toMillis(), s.gaugePeriod().toMillis(), TimeUnit.MILLISECONDS));
    tasks.add(executor.scheduleAtFixedRate(guarded("batch", this::closeBatch),
        s.batchPeriod().toMillis(), s.batchPeriod().toMillis(), TimeUnit.MILLISECONDS));
    if (s.classHistogramOn() && jfr.isPresent() && oldObjects.isEmpty()) {
      // allocation stacks of leak candidates only at high: see OldObjectSampler.start
      oldObjects = dev.umbra.agent.jfr.OldObjectSampler.start(stackDepth,
          s.criticality() == Criticality.HIGH);
    } else if (!s.classHistogramOn() && oldObjects.isPresent()) {
      oldObjects.get().close();
      oldObjects = Optional.empty();
    }
    if (s.classHistogramOn()) {
      long period = s.classHistogramPeriod().toMillis();
      tasks.add(executor.scheduleAtFixedRate(guarded("class histogram", this::histogram),
          Math.min(period, 30_000), period, TimeUnit.MILLISECONDS));
    }
  }

  private Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        AgentLog.warn("sampler: " + what + " failed", t);
      }
    };
  }

  void gauges() {
    long now = clock.millis();
    long nanos = System.nanoTime();
    double seconds = (nanos - lastNanos) / 1e9;
    lastNanos = nanos;
    Sampling s = sampling;
    Optional<JfrInterval> interval = jfr.map(j -> j.drain(now, s.gaugePeriod(), s.topClasses()));

    long cpuNanos = os.getProcessCpuTime();
    double cpu = lastCpuNanos < 0 || seconds <= 0 ? 0 : Math.max(0, (cpuNanos - lastCpuNanos) / (seconds * 1e9));
    lastCpuNanos = cpuNanos;
    canonical(CPU_PROCESS, now, cpu);
    double machine = interval.map(JfrInterval::machineCpuCores).orElse(-1.0);
    if (machine < 0) {
      double load = os.getCpuLoad();
      machine = load < 0 ? 0 : load * processors;
    }
    canonical(CPU_MACHINE, now, machine);

    MemoryUsage heap = memory.getHeapMemoryUsage();
    canonical(HEAP_USED, now, heap.getUsed());
    canonical(HEAP_COMMITTED, now, heap.getCommitted());
    canonical(NONHEAP, now, memory.getNonHeapMemoryUsage().getUsed());
    canonical(RSS, now, ProcessMemory.rssBytes());
    metaspace.ifPresent(m -> canonical("mem.metaspace", now, m.getUsage().getUsed()));
    heapAfterGc.sample().ifPresent(v -> canonical(HEAP_AFTER_GC, now, v));

    if (interval.isPresent()) {
      canonical(ALLOC_RATE, now, seconds <= 0 ? 0 : interval.get().allocatedBytes() / seconds);
      canonical(GC_PAUSE, now, seconds <= 0 ? 0 : interval.get().gcPauseMs() / seconds);
    } else {
      canonical(ALLOC_RATE, now, allocationRateFromThreads(seconds));
      long gcTotal = 0;
      for (GarbageCollectorMXBean gc : collectors) {
        gcTotal += Math.max(0, gc.getCollectionTime());
      }
      canonical(GC_PAUSE, now, gcMillis.perSecond(gcTotal, seconds));
    }

    canonical(DISK_READ, now, diskRead.perSecond(IoCounters.diskReadBytes(), seconds));
    canonical(DISK_WRITE, now, diskWrite.perSecond(IoCounters.diskWriteBytes(), seconds));
    canonical(NET_RX, now, netRx.perSecond(IoCounters.netRxBytes(), seconds));
    canonical(NET_TX, now, netTx.perSecond(IoCounters.netTxBytes(), seconds));
    canonical(DISK_OPS, now, diskOps.perSecond(IoCounters.diskOps(), seconds));
    canonical(NET_OPS, now, netOps.perSecond(IoCounters.netOps(), seconds));

    canonical(THREADS_LIVE, now, threads.getThreadCount());
    canonical(THREADS_BLOCKED, now, blockedThreads());

    interval.ifPresent(i -> breakdowns(now, seconds, i));
    long adviceErrors = IoCounters.adviceErrors();
    if (adviceErrors > adviceErrorsSeen) {
      adviceErrorsSeen = adviceErrors;
      Runnable handler = onAdviceErrors;
      onAdviceErrors = () -> {};
      handler.run();
    }
    Duration period = s.gaugePeriod();
    List<AgentEvent.IoEndpoint> endpoints = new ArrayList<>();
    IoCounters.endpoints().drain(new EndpointSink(endpoints));
    if (!endpoints.isEmpty()) {
      events.add(new AgentEvent.Io(now, period, endpoints, IoCounters.sampleEvery()));
    }
    everyGauge.run();
  }

  private void breakdowns(long now, double seconds, JfrInterval i) {
    events.addAll(i.events());
    i.threadCpuCores().entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .limit(TOP_THREADS)
        .forEach(e -> points.add(new Point("cpu.thread", Map.of("thread", e.getKey()), now, e.getValue())));
    if (seconds > 0) {
      points.add(Point.canonical("jvm.safepoint.time", now, i.safepointMs() / seconds));
    }
    i.slowIo().forEach((kind, n) -> points.add(new Point("io.slow.ops", Map.of("kind", kind), now, n)));
    i.container().forEach((series, v) -> points.add(Point.canonical(series, now, v)));
  }

  private double allocationRateFromThreads(double seconds) {
    if (!(threads instanceof com.sun.management.ThreadMXBean t) || !t.isThreadAllocatedMemoryEnabled()) {
      return 0;
    }
    long[] ids = t.getAllThreadIds();
    long[] bytes = t.getThreadAllocatedBytes(ids);
    long delta = 0;
    Map<Long, Long> seen = new HashMap<>();
    for (int k = 0; k < ids.length; k++) {
      if (bytes[k] < 0) {
        continue;
      }
      Long before = allocatedByThread.get(ids[k]);
      delta += before == null ? 0 : Math.max(0, bytes[k] - before);
      seen.put(ids[k], bytes[k]);
    }
    boolean first = allocatedByThread.isEmpty();
    allocatedByThread.clear();
    allocatedByThread.putAll(seen);
    return first || seconds <= 0 ? 0 : delta / seconds;
  }

  private int blockedThreads() {
    int blocked = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
      if (info != null && info.getThreadState() == Thread.State.BLOCKED) {
        blocked++;
      }
    }
    return blocked;
  }

  private void canonical(String series, long now, double value) {
    points.add(Point.canonical(series, now, value));
  }

  void closeBatch() {
    if (points.isEmpty() && events.isEmpty()) {
      return;
    }
    buffer.add(new Batch(nextSequence.getAndIncrement(), clock.millis(), points, events));
    points.clear();
    events.clear();
  }

  private void histogram() {
    if (histogramFailed) {
      return;
    }
    Sampling s = sampling;
    try {
      events.add(ClassHistogram.take(diagnostics, clock.millis(), s.classHistogramPeriod(), s.topClasses()));
    } catch (Exception e) {
      histogramFailed = true;
      AgentLog.warn("class histogram unavailable, turned off", e);
    }
    if (oldObjects.isPresent()) {
      try {
        events.addAll(oldObjects.get().take(clock.millis(), s.topClasses()));
      } catch (Exception e) {
        oldObjects.get().close();
        oldObjects = Optional.empty();
        AgentLog.warn("old-object samples unavailable, turned off", e);
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    oldObjects.ifPresent(dev.umbra.agent.jfr.OldObjectSampler::close);
    try {
      executor.awaitTermination(200, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Names drained endpoints: the JDK's path string, or the peer's {@code host:port}. */
  static final class EndpointSink implements EndpointTable.Sink {
    private final List<AgentEvent.IoEndpoint> out;

    EndpointSink(List<AgentEvent.IoEndpoint> out) {
      this.out = out;
    }

    @Override
    public void accept(int kind, Object key, int port, long bytes, long operations, long latencyTotalNanos,
        long latencyMaxNanos, long sequential, long random) {
      out.add(new AgentEvent.IoEndpoint(kind, name(key, port), bytes, operations, latencyTotalNanos / 1e6,
          latencyMaxNanos / 1e6, sequential, random));
    }

    static String name(Object key, int port) {
      if (key == null) {
        return "(other)";
      }
      if (key instanceof InetSocketAddress a) {
        return (a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress()) + ":" + a.getPort();
      }
      if (key instanceof InetAddress a) {
        return a.getHostAddress() + ":" + port;
      }
      return key.toString();
    }
  }
}
