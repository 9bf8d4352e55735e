package dev.umbra.agent.bootstrap;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A fixed-size, open-addressed table of I/O activity per endpoint (file path or peer address)
 * and kind, filled by application threads and drained by the sampler. Slots are claimed by a
 * compare-and-set of the key object itself (the JDK's own path {@code String} or peer address,
 * held at most until the next drain finds the slot idle), so a call never allocates. A call
 * that finds no slot within {@link #PROBES} probes goes to the overflow counters: totals stay
 * exact, only the breakdown loses the endpoint.
 *
 * <p>Races are tolerated by design: a drain that frees an idle slot while a thread is about to
 * bump it can move one operation to the next owner of the slot. Sequential versus random
 * access is judged per slot: an operation is sequential when it starts where the previous one
 * on the same endpoint and kind ended, or when that is unknown.
 */
public final class EndpointTable {
  /** Position of stream operations, which continue where the previous one ended. */
  public static final long UNKNOWN_POSITION = -1;

  static final int PROBES = 8;

  // field offsets inside one slot's row of longs
  static final int KIND_PORT = 0;
  static final int BYTES = 1;
  static final int OPS = 2;
  static final int LATENCY_TOTAL = 3;
  static final int LATENCY_MAX = 4;
  static final int SEQUENTIAL = 5;
  static final int RANDOM = 6;
  static final int NEXT_POSITION = 7;
  static final int SEEK_POSITION = 8;
  static final int IDLE_DRAINS = 9;
  static final int WIDTH = 10;

  private final int mask;
  private final AtomicReferenceArray<Object> keys;
  private final AtomicLongArray values;
  private final AtomicLongArray overflow = new AtomicLongArray(5 * 4);

  public EndpointTable(int slots) {
    if (Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two: " + slots);
    }
    this.mask = slots - 1;
    this.keys = new AtomicReferenceArray<>(slots);
    this.values = new AtomicLongArray(slots * WIDTH);
    for (int slot = 0; slot < slots; slot++) {
      values.set(slot * WIDTH + NEXT_POSITION, UNKNOWN_POSITION);
      values.set(slot * WIDTH + SEEK_POSITION, UNKNOWN_POSITION);
    }
  }

  public int capacity() {
    return mask + 1;
  }

  void record(int kind, Object key, int port, long position, long bytes, long latencyNanos) {
    int slot = key == null ? -1 : slotFor(kind, key, port, true);
    if (slot < 0) {
      int base = (kind & 3) * 5;
      overflow.addAndGet(base, bytes);
      overflow.incrementAndGet(base + 1);
      overflow.addAndGet(base + 2, latencyNanos);
      return;
    }
    int row = slot * WIDTH;
    values.addAndGet(row + BYTES, bytes);
    values.incrementAndGet(row + OPS);
    values.addAndGet(row + LATENCY_TOTAL, latencyNanos);
    long max = values.get(row + LATENCY_MAX);
    while (latencyNanos > max && !values.compareAndSet(row + LATENCY_MAX, max, latencyNanos)) {
      max = values.get(row + LATENCY_MAX);
    }
    if (kind == IoCounters.FILE_READ || kind == IoCounters.FILE_WRITE) {
      long start = position;
      if (start == UNKNOWN_POSITION) {
        start = values.getAndSet(row + SEEK_POSITION, UNKNOWN_POSITION);
      }
      long expected = values.get(row + NEXT_POSITION);
      boolean sequential = start == UNKNOWN_POSITION || expected == UNKNOWN_POSITION || start == expected;
      values.incrementAndGet(row + (sequential ? SEQUENTIAL : RANDOM));
      if (start != UNKNOWN_POSITION) {
        values.set(row + NEXT_POSITION, start + bytes);
      } else if (expected != UNKNOWN_POSITION) {
        values.set(row + NEXT_POSITION, expected + bytes);
      }
    }
  }

  /**
   * One sampled operation standing for {@code weight} operations of its size: bytes and
   * operations only; neither timed nor classified as sequential or random.
   */
  void recordSampled(int kind, Object key, int port, long bytes, int weight) {
    int slot = key == null ? -1 : slotFor(kind, key, port, true);
    if (slot < 0) {
      int base = (kind & 3) * 5;
      overflow.addAndGet(base, bytes * weight);
      overflow.addAndGet(base + 1, weight);
      return;
    }
    int row = slot * WIDTH;
    values.addAndGet(row + BYTES, bytes * weight);
    values.addAndGet(row + OPS, weight);
  }

  void seek(Object key, long position) {
    if (key == null) {
      return;
    }
    for (int kind = IoCounters.FILE_READ; kind <= IoCounters.FILE_WRITE; kind++) {
      // claims the slot: a seek before the first read or write tells where that one starts
      int slot = slotFor(kind, key, 0, true);
      if (slot >= 0) {
        values.set(slot * WIDTH + SEEK_POSITION, position);
      }
    }
  }

  private int slotFor(int kind, Object key, int port, boolean claim) {
    long kindPort = ((long) port << 8) | kind;
    int hash = System.identityHashCode(key) * 31 + kind;
    hash ^= hash >>> 16;
    for (int probe = 0; probe < PROBES; probe++) {
      int slot = (hash + probe) & mask;
      Object owner = keys.get(slot);
      if (owner == null) {
        if (!claim) {
          continue;
        }
        int row = slot * WIDTH;
        // drain() resets a row before it frees the key, so a newly claimed row starts clean
        if (keys.compareAndSet(slot, null, key)) {
          values.set(row + KIND_PORT, kindPort);
          return slot;
        }
        owner = keys.get(slot);
      }
      if (owner == key && values.get(slot * WIDTH + KIND_PORT) == kindPort) {
        return slot;
      }
    }
    return -1;
  }

  /**
   * Hands every endpoint with activity since the previous drain to {@code sink} and resets its
   * counters; frees slots idle for two drains. Sampler thread only.
   */
  public void drain(Sink sink) {
    for (int slot = 0; slot <= mask; slot++) {
      Object key = keys.get(slot);
      if (key == null) {
        continue;
      }
      int row = slot * WIDTH;
      long ops = values.getAndSet(row + OPS, 0);
      if (ops == 0) {
        if (values.incrementAndGet(row + IDLE_DRAINS) >= 2) {
          for (int field = 0; field < WIDTH; field++) {
            values.set(row + field, field == NEXT_POSITION || field == SEEK_POSITION ? UNKNOWN_POSITION : 0);
          }
          keys.compareAndSet(slot, key, null);
        }
        continue;
      }
      values.set(row + IDLE_DRAINS, 0);
      long kindPort = values.get(row + KIND_PORT);
      sink.accept(
          (int) (kindPort & 0xff),
          key,
          (int) (kindPort >>> 8),
          values.getAndSet(row + BYTES, 0),
          ops,
          values.getAndSet(row + LATENCY_TOTAL, 0),
          values.getAndSet(row + LATENCY_MAX, 0),
          values.getAndSet(row + SEQUENTIAL, 0),
          values.getAndSet(row + RANDOM, 0));
    }
    for (int kind = IoCounters.FILE_READ; kind <= IoCounters.SOCKET_WRITE; kind++) {
      int base = (kind & 3) * 5;
      long ops = overflow.getAndSet(base + 1, 0);
      if (ops > 0) {
        sink.accept(kind, null, 0, overflow.getAndSet(base, 0), ops, overflow.getAndSet(base + 2, 0), 0, 0, 0);
      }
    }
  }

  /** Receives one drained endpoint; {@code key} is null for the overflow of a kind. */
  public interface Sink {
    void accept(
        int kind,
        Object key,
        int port,
        long bytes,
        long operations,
        long latencyTotalNanos,
        long latencyMaxNanos,
        long sequentialOperations,
        long randomOperations);
  }
}
