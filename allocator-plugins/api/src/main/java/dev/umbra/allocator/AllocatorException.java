package dev.umbra.allocator;

import java.util.Objects;

/**
 * A request an allocator refused or could not carry out, for a reason its caller can act on. When
 * it is thrown by {@link Allocator#apply}, nothing was applied unless {@link #reason()} says
 * otherwise (the only case is {@link Reason#PARTIAL}).
 *
 * <p>The message is a sentence a person can read, with the numbers and names involved.
 */
public class AllocatorException extends Exception {

  /** Serialisation version. */
  private static final long serialVersionUID = 1L;

  /** Why the request failed, for callers that decide by kind. */
  public enum Reason {
    /** The request itself is wrong: below a minimum, below current usage, malformed, unsupported kind. */
    INVALID_REQUEST,
    /** No provider with the configured name, or the plugin cannot run on this host. */
    UNAVAILABLE_HERE,
    /** The target does not exist (any more): a vanished cgroup, a deleted pod, a disconnected primary. */
    TARGET_GONE,
    /** The platform denied permission (RBAC, file permissions). */
    FORBIDDEN,
    /** The platform could not be reached or did not answer in time; retry later. */
    UNREACHABLE,
    /** The platform refused the change (admission, validation, a setting of the plugin). */
    REJECTED,
    /** Part of the allocation was applied and part was not; the message says which. */
    PARTIAL,
    /** Anything else the platform reported. */
    FAILED
  }

  /** Why it failed. */
  private final Reason reason;

  /**
   * Creates an exception.
   *
   * @param reason the kind of failure
   * @param message what failed and why, for a person
   */
  public AllocatorException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Creates an exception with a cause.
   *
   * @param reason the kind of failure
   * @param message what failed and why, for a person
   * @param cause the underlying failure
   */
  public AllocatorException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Returns the kind of failure.
   *
   * @return never null
   */
  public Reason reason() {
    return reason;
  }
}
