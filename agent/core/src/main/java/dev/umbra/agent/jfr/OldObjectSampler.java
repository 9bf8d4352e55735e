package dev.umbra.agent.jfr;

import dev.umbra.agent.log.AgentLog;
import dev.umbra.agent.telemetry.AgentEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;

/**
 * JFR old-object samples (leak candidates). JFR only emits {@code jdk.OldObjectSample} when a
 * recording ends or is dumped, never into a stream, so a small recording of its own is dumped
 * on the class-histogram period and the dump read back on the sampler thread. Off at
 * {@code low}, like the histogram.
 */
public final class OldObjectSampler implements AutoCloseable {
  private final Recording recording;
  private final int stackDepth;

  private OldObjectSampler(Recording recording, int stackDepth) {
    this.recording = recording;
    this.stackDepth = stackDepth;
  }

  /**
   * Starts sampling; empty (logged) when JFR refuses.
   *
   * @param stackTraces whether each sample keeps its allocation stack: JFR (HotSpot's
   *     {@code ObjectSampler::sample}, JDK 17) walks the allocating thread's stack at every
   *     sampled allocation (each new TLAB) before it knows whether it keeps the sample; JFR's own
   *     {@code default} settings keep no stack. Its share of an application's CPU is not yet
   *     measured on its own (agent/BENCHMARK.md, run 11)
   */
  public static Optional<OldObjectSampler> start(int stackDepth, boolean stackTraces) {
    try {
      Recording recording = new Recording();
      recording.setName("umbra-old-objects");
      var sample = recording.enable("jdk.OldObjectSample").with("cutoff", "0 ns");
      if (stackTraces) {
        sample.withStackTrace();
      } else {
        sample.withoutStackTrace();
      }
      recording.setMaxAge(Duration.ofSeconds(5));
      recording.setToDisk(true);
      recording.start();
      return Optional.of(new OldObjectSampler(recording, stackDepth));
    } catch (Throwable t) {
      AgentLog.warn("old-object sampling unavailable", t);
      return Optional.empty();
    }
  }

  /** The current old-object samples, newest first, at most {@code limit}. Sampler thread. */
  public List<AgentEvent> take(long nowUnixMs, int limit) throws Exception {
    Path dump = Files.createTempFile("umbra-old-objects-", ".jfr");
    try {
      recording.dump(dump);
      List<AgentEvent.OldObject> samples = new ArrayList<>();
      for (RecordedEvent e : RecordingFile.readAllEvents(dump)) {
        if (e.getEventType().getName().equals("jdk.OldObjectSample")) {
          samples.add(toSample(e, nowUnixMs));
        }
      }
      samples.sort(Comparator.comparingLong(AgentEvent.OldObject::allocationUnixMs).reversed());
      return List.copyOf(samples.subList(0, Math.min(limit, samples.size())));
    } finally {
      Files.deleteIfExists(dump);
    }
  }

  private AgentEvent.OldObject toSample(RecordedEvent e, long nowUnixMs) {
    RecordedObject object = e.getValue("object");
    RecordedClass type = object == null ? null : object.getValue("type");
    Instant allocated = e.getInstant("allocationTime");
    List<String> frames = new ArrayList<>();
    if (e.getStackTrace() != null) {
      for (RecordedFrame f : e.getStackTrace().getFrames()) {
        if (frames.size() >= stackDepth) {
          break;
        }
        frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber());
      }
    }
    return new AgentEvent.OldObject(nowUnixMs, type == null ? "(unknown)" : type.getName(),
        allocated == null ? 0 : allocated.toEpochMilli(), e.getLong("lastKnownHeapUsage"), frames);
  }

  @Override
  public void close() {
    try {
      recording.close();
    } catch (Throwable t) {
      AgentLog.warn("closing the old-object recording failed", t);
    }
  }
}
