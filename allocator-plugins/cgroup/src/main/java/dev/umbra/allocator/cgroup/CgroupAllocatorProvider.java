package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.AllocatorProvider;
import java.nio.file.Path;

/**
 * Provides the {@code cgroup} allocator. Settings: {@code minCpu} (cores, default 0.01), {@code
 * minMemory} (bytes or 16m-style, default 16m), {@code proc} (procfs root, default {@code /proc};
 * for tests).
 */
public final class CgroupAllocatorProvider implements AllocatorProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public CgroupAllocatorProvider() {}

  /** @return {@code cgroup} */
  @Override
  public String name() {
    return "cgroup";
  }

  /**
   * Detects the cgroup layout and opens an allocator on it.
   *
   * @throws AllocatorException if no cgroup hierarchy with cpu and memory is mounted, or a setting is bad
   */
  @Override
  public Allocator open(AllocatorContext context) throws AllocatorException {
    double minCpu = context.doubleSetting("minCpu", 0.01);
    long minMemory = context.bytesSetting("minMemory", 16L << 20);
    if (minCpu <= 0) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting minCpu='" + minCpu + "' must be > 0");
    }
    return new CgroupAllocator(CgroupManager.detect(Path.of(context.setting("proc", "/proc")), minCpu, minMemory));
  }
}
