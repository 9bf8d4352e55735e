package dev.umbra.agent.bootstrap;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exact I/O totals and per-endpoint activity, bumped by the advice inlined into JDK I/O
 * methods. Every method is allocation-free, lock-free and never throws for valid input; the
 * advice calls them inside {@code suppress = Throwable.class} anyway, and suppressed failures
 * end in {@link #adviceError(Throwable)}.
 *
 * <p>Kinds follow {@code umbra.v1.IoKind}: 1 file read, 2 file write, 3 socket read, 4 socket
 * write. The per-endpoint breakdown holds every operation, one in {@link #SAMPLE_EVERY} of the
 * small ones and every large one, or none ({@link #recordDetail}). Operations that moved no byte and did not reach end of stream (a non-blocking read
 * that found nothing) are not counted.
 */
public final class IoCounters {
  public static final int FILE_READ = 1;
  public static final int FILE_WRITE = 2;
  public static final int SOCKET_READ = 3;
  public static final int SOCKET_WRITE = 4;

  /** Start value that tells the exit advice to count nothing (an agent thread). */
  public static final long SKIP = Long.MIN_VALUE;

  static final LongAdder diskReadBytes = new LongAdder();
  static final LongAdder diskWriteBytes = new LongAdder();
  static final LongAdder diskOps = new LongAdder();
  static final LongAdder netRxBytes = new LongAdder();
  static final LongAdder netTxBytes = new LongAdder();
  static final LongAdder netOps = new LongAdder();
  static final LongAdder adviceErrors = new LongAdder();

  private static final EndpointTable endpoints = new EndpointTable(1024);

  /** Per-endpoint detail (agent option io.detail): none, one operation in {@link #SAMPLE_EVERY}, every one. */
  public static final int DETAIL_OFF = 0;
  public static final int DETAIL_SAMPLED = 1;
  public static final int DETAIL_FULL = 2;

  /**
   * At {@link #DETAIL_SAMPLED}, one operation in this many goes to the per-endpoint table, with
   * this weight. The table costs two nanoTime reads and a few atomic updates on one shared array
   * per operation: 77 ns per counted operation with every one recorded, 8.7 ns at one in 16,
   * 5.5 ns for the totals alone (IoCountersCost, agent/BENCHMARK.md run 11).
   */
  public static final int SAMPLE_EVERY = 16;

  /**
   * At {@link #DETAIL_SAMPLED}, operations that move at least this many bytes always go to the
   * per-endpoint table, with weight 1: a rare large write (a database's chunk flush) must not be
   * lost to sampling, and an operation this large costs microseconds, beside which recording it
   * is noise. Sampling stays unbiased: each size class carries the weight of its own rate.
   */
  public static final long ALWAYS_RECORDED_BYTES = 64 * 1024;

  private static volatile int detail = DETAIL_FULL;

  private IoCounters() {}

  /**
   * Sets what goes to the per-endpoint breakdown ({@code DETAIL_*}), before the hooks are woven;
   * the totals are exact at every level.
   */
  public static void recordDetail(int level) {
    if (level < DETAIL_OFF || level > DETAIL_FULL) {
      throw new IllegalArgumentException("detail level " + level);
    }
    detail = level;
  }

  /** 1 when the breakdown holds every operation, {@link #SAMPLE_EVERY} when sampled, 0 when off. */
  public static int sampleEvery() {
    int level = detail;
    return level == DETAIL_FULL ? 1 : level == DETAIL_SAMPLED ? SAMPLE_EVERY : 0;
  }

  /**
   * Called on entry: the start time at {@link #DETAIL_FULL} (only that level times operations),
   * 0 otherwise, or {@link #SKIP} on an agent thread.
   */
  public static long start() {
    return AgentThread.current() ? SKIP : detail == DETAIL_FULL ? System.nanoTime() : 0;
  }

  /** A file read or write of {@code bytes} (-1: end of file) at the current position. */
  public static void file(int kind, Object path, long bytes, long startNanos) {
    fileAt(kind, path, EndpointTable.UNKNOWN_POSITION, bytes, startNanos);
  }

  /** A file read or write at an explicit {@code position}. */
  public static void fileAt(int kind, Object path, long position, long bytes, long startNanos) {
    if (startNanos == SKIP || bytes == 0) {
      return;
    }
    long moved = bytes > 0 ? bytes : 0;
    (kind == FILE_READ ? diskReadBytes : diskWriteBytes).add(moved);
    diskOps.increment();
    int level = detail;
    if (level == DETAIL_FULL) {
      endpoints.record(kind, path, 0, position, moved, System.nanoTime() - startNanos);
    } else if (level == DETAIL_SAMPLED) {
      recordSampled(kind, path, 0, moved);
    }
  }

  /** A {@code seek} or {@code position(long)}: the next operation on {@code path} starts there. */
  public static void seek(Object path, long position) {
    if (detail == DETAIL_FULL && !AgentThread.current()) {
      endpoints.seek(path, position);
    }
  }

  /** A socket read or write of {@code bytes} (-1: end of stream) with the peer {@code remote}. */
  public static void socket(int kind, Object remote, int port, long bytes, long startNanos) {
    if (startNanos == SKIP || bytes == 0) {
      return;
    }
    long moved = bytes > 0 ? bytes : 0;
    (kind == SOCKET_READ ? netRxBytes : netTxBytes).add(moved);
    netOps.increment();
    int level = detail;
    if (level == DETAIL_FULL) {
      endpoints.record(kind, remote, port, EndpointTable.UNKNOWN_POSITION, moved, System.nanoTime() - startNanos);
    } else if (level == DETAIL_SAMPLED) {
      recordSampled(kind, remote, port, moved);
    }
  }

  private static void recordSampled(int kind, Object key, int port, long moved) {
    if (moved >= ALWAYS_RECORDED_BYTES) {
      endpoints.recordSampled(kind, key, port, moved, 1);
    } else if (sampled()) {
      endpoints.recordSampled(kind, key, port, moved, SAMPLE_EVERY);
    }
  }

  /**
   * One in {@link #SAMPLE_EVERY}, at random: ThreadLocalRandom keeps its seed in the Thread
   * object, so this is a few instructions with no shared write (a shared counter would be one
   * more contended cache line per operation).
   */
  private static boolean sampled() {
    return ThreadLocalRandom.current().nextInt(SAMPLE_EVERY) == 0;
  }

  /** Receives every Throwable the advice suppressed. */
  public static void adviceError(Throwable ignored) {
    adviceErrors.increment();
  }

  public static long diskReadBytes() {
    return diskReadBytes.sum();
  }

  public static long diskWriteBytes() {
    return diskWriteBytes.sum();
  }

  public static long diskOps() {
    return diskOps.sum();
  }

  public static long netRxBytes() {
    return netRxBytes.sum();
  }

  public static long netTxBytes() {
    return netTxBytes.sum();
  }

  public static long netOps() {
    return netOps.sum();
  }

  public static long adviceErrors() {
    return adviceErrors.sum();
  }

  /** The per-endpoint table; drained by the sampler thread only. */
  public static EndpointTable endpoints() {
    return endpoints;
  }
}
