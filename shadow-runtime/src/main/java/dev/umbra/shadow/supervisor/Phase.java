package dev.umbra.shadow.supervisor;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where the supervised primary is. A checkpoint by an engine that relaunches (crac) and every
 * relaunching rollback pass through {@link #REPLACING}: the exit of the old process is then
 * expected and never taken for the primary's own exit.
 */
enum Phase {
  /** Before the first process started. */
  STARTING,
  /** A process runs; its exit ends {@code umbra run} with its exit code. */
  RUNNING,
  /** The supervisor is ending the process to start another (restart, crac checkpoint or restore). */
  REPLACING,
  /** A signal asked the primary to stop; no new process will start. */
  STOPPING,
  /** The primary exited; {@code umbra run} is finishing. */
  EXITED;

  Set<Phase> next() {
    return switch (this) {
      case STARTING -> EnumSet.of(RUNNING, STOPPING, EXITED);
      case RUNNING -> EnumSet.of(REPLACING, STOPPING, EXITED);
      case REPLACING -> EnumSet.of(RUNNING, STOPPING, EXITED);
      case STOPPING -> EnumSet.of(EXITED);
      case EXITED -> EnumSet.noneOf(Phase.class);
    };
  }

  /** This phase's successor {@code to}, or an exception naming both. */
  Phase moveTo(Phase to) {
    if (!next().contains(to)) {
      throw new IllegalStateException("the primary is " + name().toLowerCase() + ", it cannot become " + to.name().toLowerCase());
    }
    return to;
  }
}
