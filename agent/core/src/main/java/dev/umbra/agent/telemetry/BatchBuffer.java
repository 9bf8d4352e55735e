package dev.umbra.agent.telemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The bounded buffer between the sampler and the transport. Batches wait here until sent, and
 * stay (as in flight) until the shadow acknowledges them, so that a reconnect resends what the
 * old stream may have lost. When full the oldest batch waiting to be sent is dropped and
 * counted; an in-flight batch beyond the bound is simply forgotten (it was sent once). Adding
 * never blocks. Thread-safe.
 */
public final class BatchBuffer {
  private final int capacity;
  private final Deque<Batch> pending = new ArrayDeque<>();
  private final Deque<Batch> inFlight = new ArrayDeque<>();
  private long droppedBatches;
  private long droppedPoints;
  private long droppedBatchesTotal;

  public BatchBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
  }

  /** Adds a batch, dropping the oldest pending one when the buffer is full. */
  public synchronized void add(Batch batch) {
    while (pending.size() + inFlight.size() >= capacity) {
      if (!inFlight.isEmpty()) {
        inFlight.removeFirst();
      } else {
        Batch dropped = pending.removeFirst();
        droppedBatches++;
        droppedBatchesTotal++;
        droppedPoints += dropped.points().size();
      }
    }
    pending.addLast(batch);
    notifyAll();
  }

  /**
   * Takes the oldest pending batch and moves it in flight, with the drops counted since the
   * previous take (which reset).
   */
  public synchronized Optional<Taken> take() {
    Batch next = pending.pollFirst();
    if (next == null) {
      return Optional.empty();
    }
    inFlight.addLast(next);
    Taken taken = new Taken(next, droppedBatches, droppedPoints);
    droppedBatches = 0;
    droppedPoints = 0;
    return Optional.of(taken);
  }

  /** Forgets every in-flight batch up to and including {@code sequence}. */
  public synchronized void acknowledge(long sequence) {
    while (!inFlight.isEmpty() && inFlight.peekFirst().sequence() <= sequence) {
      inFlight.removeFirst();
    }
  }

  /** Puts every in-flight batch back in front of the pending ones, in order (a new stream). */
  public synchronized void requeueInFlight() {
    List<Batch> back = new ArrayList<>(inFlight);
    inFlight.clear();
    for (int i = back.size() - 1; i >= 0; i--) {
      pending.addFirst(back.get(i));
    }
  }

  /**
   * Drops every batch, pending and in flight, counted as dropped (reported with the next batch
   * taken): what a JVM restored from a CRaC image still held of the run that was checkpointed,
   * whose stream is gone. Returns how many were dropped.
   */
  public synchronized int clear() {
    int dropped = pending.size() + inFlight.size();
    for (Deque<Batch> batches : List.of(pending, inFlight)) {
      for (Batch b : batches) {
        droppedBatches++;
        droppedBatchesTotal++;
        droppedPoints += b.points().size();
      }
      batches.clear();
    }
    return dropped;
  }

  /** Waits up to {@code millis} for a pending batch. */
  public synchronized boolean awaitPending(long millis) throws InterruptedException {
    if (pending.isEmpty() && millis > 0) {
      wait(millis);
    }
    return !pending.isEmpty();
  }

  /** Sequence of the oldest pending batch, if any: what a new stream will send first. */
  public synchronized OptionalLong firstPendingSequence() {
    Batch first = pending.peekFirst();
    return first == null ? OptionalLong.empty() : OptionalLong.of(first.sequence());
  }

  public synchronized int pendingCount() {
    return pending.size();
  }

  public synchronized int size() {
    return pending.size() + inFlight.size();
  }

  public synchronized long droppedBatchesTotal() {
    return droppedBatchesTotal;
  }

  /** A batch to send and the drops to report with it. */
  public record Taken(Batch batch, long droppedBatches, long droppedPoints) {}
}
