package dev.umbra.allocator;

import java.util.Set;

/**
 * Reads and sets one platform's allocation for primaries. Implementations are thread-safe.
 *
 * <p>This interface grows by default methods only.
 */
public interface Allocator extends AutoCloseable {

  /**
   * Returns the resource kinds this allocator reads and sets. Kinds outside this set in a desired
   * allocation are refused by {@link #apply}.
   *
   * @return an unmodifiable, non-empty set
   */
  Set<ResourceKind> supports();

  /**
   * Reads the allocation in effect for a target, for the kinds in {@link #supports()}. An unset
   * limit (no quota, unlimited memory) is an absent value.
   *
   * @param target what to read
   * @return the allocation in effect now
   * @throws AllocatorException if the target lacks the coordinates this allocator needs, is gone,
   *     or the platform cannot be read
   */
  Allocation current(Target target) throws AllocatorException;

  /**
   * Asks the platform for a desired allocation. Only the kinds present in {@code desired} are
   * changed. Idempotent: applying what is already in effect changes nothing and answers {@link
   * ApplyResult.Status#UNCHANGED}. Requests are checked before anything is written; if the
   * request is refused, nothing was applied.
   *
   * @param target what to change
   * @param desired the allocation wanted, not empty
   * @return what the platform did and the allocation in effect afterwards
   * @throws AllocatorException if the request is refused (below a minimum or current usage, a
   *     kind not supported, the target gone, permission denied, the platform unreachable)
   */
  ApplyResult apply(Target target, Allocation desired) throws AllocatorException;

  /**
   * Releases what the allocator holds (clients, threads). Idempotent, bounded in time, throws
   * nothing checked. It does not undo allocations.
   */
  @Override
  void close();
}
