package dev.umbra.shadow.heap;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A JFR old-object sample: an object that has lived long, a leak candidate, with where it was
 * allocated.
 *
 * @param seen when the agent last reported it
 * @param className its class
 * @param allocated when it was allocated, if JFR knew
 * @param heapUsedBytes the heap in use when it was last seen
 * @param frames its allocation stack, innermost first, {@code pkg.Class.method:line}
 */
public record OldObject(Instant seen, String className, Optional<Instant> allocated, long heapUsedBytes,
    List<String> frames) {
  public OldObject {
    Objects.requireNonNull(seen, "seen");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(allocated, "allocated");
    if (className.isBlank()) {
      throw new IllegalArgumentException("className is blank");
    }
    frames = List.copyOf(frames);
  }

  /** The innermost allocation frame outside the JDK, else the innermost; empty without a stack. */
  public Optional<String> site() {
    return frames.stream().filter(f -> !f.startsWith("java.") && !f.startsWith("jdk.") && !f.startsWith("sun."))
        .findFirst().or(() -> frames.stream().findFirst());
  }

  /** The same object, whatever its sighting: class, allocation time and stack. */
  record Identity(String className, Optional<Instant> allocated, List<String> frames) {}

  Identity identity() {
    return new Identity(className, allocated, frames);
  }
}
