package dev.umbra.agent.telemetry;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Something observed that is more than a number; mirrors {@code umbra.v1.Event}. */
public sealed interface AgentEvent {
  /** When it happened; for aggregates the end of the interval. Unix ms. */
  long timeUnixMs();

  /** One garbage collection. */
  record Gc(long timeUnixMs, String name, String cause, double pauseMs, long heapBeforeBytes,
      long heapAfterBytes) implements AgentEvent {
    public Gc {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(cause, "cause");
    }
  }

  /** Execution samples over an interval, by top frames (innermost first). */
  record Stacks(long timeUnixMs, Duration interval, List<StackCount> stacks) implements AgentEvent {
    public Stacks {
      stacks = List.copyOf(stacks);
    }
  }

  record StackCount(List<String> frames, long samples) {
    public StackCount {
      frames = List.copyOf(frames);
    }
  }

  /** Bytes per class: allocation samples over an interval, or a heap class histogram. */
  record Classes(long timeUnixMs, ClassesKind kind, Duration interval, List<ClassBytes> classes,
      long otherBytes) implements AgentEvent {
    public Classes {
      Objects.requireNonNull(kind, "kind");
      classes = List.copyOf(classes);
    }
  }

  enum ClassesKind { ALLOCATION, HISTOGRAM }

  record ClassBytes(String className, long bytes, long count) {}

  /** Exact I/O per endpoint over an interval, from the hooks. */
  /**
   * @param sampleEvery 1 when every operation is in {@code endpoints}; N when one in N was
   *     recorded with weight N (bytes and operations estimated, latency and pattern 0)
   */
  record Io(long timeUnixMs, Duration interval, List<IoEndpoint> endpoints, int sampleEvery) implements AgentEvent {
    public Io {
      endpoints = List.copyOf(endpoints);
    }
  }

  /**
   * @param kind 1 file read, 2 file write, 3 socket read, 4 socket write
   * @param endpoint file path or {@code host:port}; {@code "(other)"} for the overflow
   */
  record IoEndpoint(int kind, String endpoint, long bytes, long operations, double latencyTotalMs,
      double latencyMaxMs, long sequentialOperations, long randomOperations) {}

  /** Monitor contention and parks over an interval. */
  record Contention(long timeUnixMs, Duration interval, List<ContentionEntry> entries)
      implements AgentEvent {
    public Contention {
      entries = List.copyOf(entries);
    }
  }

  /** @param type "monitor" or "park" */
  record ContentionEntry(String className, String type, long events, double durationTotalMs) {}

  /** A JFR old-object sample: a leak candidate. */
  record OldObject(long timeUnixMs, String className, long allocationUnixMs, long heapUsedBytes,
      List<String> allocationFrames) implements AgentEvent {
    public OldObject {
      allocationFrames = List.copyOf(allocationFrames);
    }
  }
}
