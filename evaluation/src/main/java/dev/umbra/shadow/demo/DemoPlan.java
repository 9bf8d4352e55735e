package dev.umbra.shadow.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The demo's schedule, the same in the workload (which runs it) and in the terminal view (which
 * shows its progress): warm-up, rising memory and CPU, disk and network I/O, then the fault,
 * which lasts until it is rolled back (or the run ends), then recovery. Immutable.
 *
 * @param seconds the whole run
 * @param phases in order, back to back from 0 to {@code seconds}
 */
public record DemoPlan(long seconds, List<Phase> phases) {
  /** The shortest run in which the detector can learn (30 s) before the phases and the fault. */
  public static final long MIN_SECONDS = 90;

  /** One phase: {@code name} as the workload prints it, what it does, from and to (seconds). */
  public record Phase(String name, String title, long fromSecond, long toSecond) {
    public long seconds() {
      return toSecond - fromSecond;
    }
  }

  public DemoPlan {
    phases = List.copyOf(phases);
  }

  /**
   * The plan for a run of {@code seconds}: a warm-up of at least 30 s (the detector learns each
   * series that long before it scores), the rising phase, the I/O phase, and the fault at two
   * thirds of the run with a third left to detect it, roll it back and recover.
   */
  public static DemoPlan of(long seconds) {
    if (seconds < MIN_SECONDS) {
      throw new IllegalArgumentException("the demo needs at least " + MIN_SECONDS + " s, not " + seconds);
    }
    long warm = Math.max(30, seconds / 4);
    long fault = Math.max(warm + 30, seconds * 2 / 3);
    long rise = warm + (fault - warm) * 6 / 10;
    List<Phase> p = new ArrayList<>();
    p.add(new Phase("warm-up", "warm-up: light CPU, small heap; the shadow learns the primary", 0, warm));
    p.add(new Phase("rising", "rising memory and CPU: the manager should provision ahead of it", warm, rise));
    p.add(new Phase("io", "disk and network I/O", rise, fault));
    p.add(new Phase("fault", "injected fault: a thread leak holding heap, blocked on a lock, plus a spinning core; "
        + "the ledger is corrupted", fault, seconds));
    return new DemoPlan(seconds, p);
  }

  /** The phase at {@code second} since the start (the last one past the end). */
  public Phase at(double second) {
    for (Phase phase : phases) {
      if (second < phase.toSecond()) {
        return phase;
      }
    }
    return phases.get(phases.size() - 1);
  }

  public Optional<Phase> named(String name) {
    return phases.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
