package dev.umbra.allocator.log;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Target;
import java.time.Instant;
import java.util.Objects;

/** One recorded decision: when, for what, from which allocation to which. */
record LogEntry(Instant at, Target target, Allocation previous, Allocation desired) {
  LogEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(desired, "desired");
  }
}
