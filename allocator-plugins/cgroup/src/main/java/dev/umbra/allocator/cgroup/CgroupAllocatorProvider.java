package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.AllocatorProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Provides the {@code cgroup} allocator. Settings: {@code minCpu} (cores, default 0.01), {@code
 * minMemory} (bytes or 16m-style, default 16m), {@code minDisk} (bytes per second, 16m-style,
 * default 1m), {@code devices} (the disks to limit, {@code major:minor} separated by {@code ;},
 * {@code |} or spaces; default every physical whole disk in {@code /sys/block}, see {@link
 * BlockDevices}), {@code proc} and {@code sys} (procfs and sysfs roots, default {@code /proc} and
 * {@code /sys}; for tests).
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
    long minDisk = context.bytesSetting("minDisk", CgroupManager.DEFAULT_MIN_DISK);
    if (minCpu <= 0) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting minCpu='" + minCpu + "' must be > 0");
    }
    if (minDisk <= 0) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting minDisk='" + minDisk + "' must be > 0");
    }
    Optional<String> devices = context.setting("devices");
    BlockDevices disks = devices.isPresent()
        ? BlockDevices.configured(List.of(devices.get().split("[;|\\s]+")))
        : BlockDevices.discovered(Path.of(context.setting("sys", "/sys")));
    return new CgroupAllocator(CgroupManager.detect(Path.of(context.setting("proc", "/proc")), disks, minCpu, minMemory,
        minDisk));
  }
}
