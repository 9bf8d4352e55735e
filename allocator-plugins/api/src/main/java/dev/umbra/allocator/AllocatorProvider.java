package dev.umbra.allocator;

/**
 * Makes allocators for one platform. Implementations have a public no-argument constructor, are
 * listed in {@code META-INF/services/dev.umbra.allocator.AllocatorProvider}, do nothing expensive
 * until {@link #open} and are thread-safe.
 */
public interface AllocatorProvider {

  /**
   * Returns the name configuration uses to choose this provider.
   *
   * @return stable, lower case, unique: {@code cgroup}, {@code kubernetes}, {@code jvm}, {@code log}
   */
  String name();

  /**
   * Opens an allocator with the given settings and host services. The caller owns the result and
   * closes it.
   *
   * @param context the plugin's settings and the host's services
   * @return an open allocator
   * @throws AllocatorException with {@link AllocatorException.Reason#UNAVAILABLE_HERE} if the
   *     platform is absent here (no writable cgroup hierarchy, no cluster configuration, no
   *     channel to the agent), or {@link AllocatorException.Reason#INVALID_REQUEST} for a bad
   *     setting, naming the key and value
   */
  Allocator open(AllocatorContext context) throws AllocatorException;
}
