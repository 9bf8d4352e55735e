package dev.umbra.allocator;

import java.util.Objects;

/**
 * What became of a desired allocation: whether it took effect, the allocation in effect
 * afterwards, and why.
 *
 * <p>Immutable and thread-safe.
 *
 * @param status what the platform did with the request
 * @param inEffect the allocation actually in effect after the call, as far as the allocator can
 *     tell (for {@link Status#PENDING} the old one until the platform acts)
 * @param reason a sentence a person can read: what was done or why not, with the numbers
 */
public record ApplyResult(Status status, Allocation inEffect, String reason) {

  /** What the platform did with a desired allocation. */
  public enum Status {
    /** The desired allocation is now in effect. */
    APPLIED,
    /** It was already in effect; nothing was changed. */
    UNCHANGED,
    /** The platform accepted the request and is acting on it (for example a resize in progress). */
    PENDING,
    /** The platform accepted the request but cannot act on it now; it retries by itself. */
    DEFERRED,
    /** The platform accepted the request but can never satisfy it as asked (for example larger than the node). */
    INFEASIBLE,
    /** The platform took the setting but ignores it (for example SoftMaxHeapSize on G1 before JDK 26). */
    NO_EFFECT,
    /** Nothing was applied by design: the allocator only recommends or records. */
    RECOMMENDED_ONLY
  }

  /**
   * Validates the result.
   *
   * @param status see the record component
   * @param inEffect see the record component
   * @param reason see the record component
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the reason is blank
   */
  public ApplyResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(inEffect, "inEffect");
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("reason is blank");
    }
  }

  /**
   * Tells whether the desired allocation is in effect now ({@link Status#APPLIED} or {@link
   * Status#UNCHANGED}).
   *
   * @return true if the platform now runs with the desired allocation
   */
  public boolean tookEffect() {
    return status == Status.APPLIED || status == Status.UNCHANGED;
  }
}
