package dev.umbra.shadow.ingest;

import java.util.Arrays;

/**
 * Which batch sequence numbers of one primary have arrived, over the last {@link #SIZE}: tells a
 * resend from a new batch without ever letting one number, however high, make later batches be
 * taken for resends. Not thread-safe: {@link PrimarySession} guards it.
 */
final class SequenceWindow {
  /**
   * How far back arrivals are remembered: 4096 batches are 13 min at the default 200 ms batch
   * period, beyond what an agent resends after a reconnect with its default buffer.
   */
  static final int SIZE = 4096;

  /** What one arriving sequence number is. */
  enum Kind {
    /** The first one seen, or the one after the highest. */
    NEXT,
    /** Ahead of the highest by more than one: {@link Verdict#lost} batches never came. */
    AHEAD,
    /** Below the highest, within the window, not seen before: a batch that arrived late. */
    LATE,
    /** Seen before: a resend. */
    DUPLICATE,
    /** Further below the highest than the window: the numbering started again. */
    RESTART
  }

  /** @param lost batches skipped by an {@link Kind#AHEAD} one; 0 otherwise */
  record Verdict(Kind kind, long lost) {}

  private final long[] seen = new long[SIZE / 64];
  private boolean known;
  private long highest;

  /** Records {@code sequence} (at least 1) as arrived, and says what it was. */
  Verdict offer(long sequence) {
    if (!known) {
      restartAt(sequence);
      return new Verdict(Kind.NEXT, 0);
    }
    if (sequence > highest) {
      long lost = sequence - highest - 1;
      if (sequence - highest > SIZE) {
        Arrays.fill(seen, 0);
      } else {
        for (long s = highest + 1; s < sequence; s++) {
          clear(s); // the slot now stands for a number that never came
        }
      }
      highest = sequence;
      set(sequence);
      return new Verdict(lost == 0 ? Kind.NEXT : Kind.AHEAD, lost);
    }
    if (highest - sequence >= SIZE) {
      restartAt(sequence);
      return new Verdict(Kind.RESTART, 0);
    }
    if (isSet(sequence)) {
      return new Verdict(Kind.DUPLICATE, 0);
    }
    set(sequence);
    return new Verdict(Kind.LATE, 0);
  }

  /** Forgets every arrival: the next sequence offered starts the count again. */
  void forget() {
    known = false;
    Arrays.fill(seen, 0);
  }

  /** Remembers that everything up to {@code sequence} arrived (history of a restored session). */
  void arrivedUpTo(long sequence) {
    restartAt(sequence);
    Arrays.fill(seen, -1L);
  }

  boolean known() {
    return known;
  }

  long highest() {
    return highest;
  }

  private void restartAt(long sequence) {
    Arrays.fill(seen, 0);
    known = true;
    highest = sequence;
    set(sequence);
  }

  private int slot(long sequence) {
    return (int) Math.floorMod(sequence, (long) SIZE);
  }

  private void set(long sequence) {
    int i = slot(sequence);
    seen[i >>> 6] |= 1L << (i & 63);
  }

  private void clear(long sequence) {
    int i = slot(sequence);
    seen[i >>> 6] &= ~(1L << (i & 63));
  }

  private boolean isSet(long sequence) {
    int i = slot(sequence);
    return (seen[i >>> 6] & (1L << (i & 63))) != 0;
  }
}
