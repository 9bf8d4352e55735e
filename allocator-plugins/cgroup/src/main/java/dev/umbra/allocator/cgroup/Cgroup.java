package dev.umbra.allocator.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A handle on one control group as the CPU and memory controllers see it. Under v2 both
 * controllers share one directory; under v1 each has its own hierarchy, and a process's path may
 * differ between them (for example {@code /} for cpu and {@code /system.slice/x} for memory).
 *
 * <p>Immutable value; it does not keep the cgroup alive, and the cgroup may vanish at any time.
 *
 * @param version which interface manages it
 * @param cpuPath path inside the CPU hierarchy, starting with {@code /}
 * @param memoryPath path inside the memory hierarchy, starting with {@code /}
 * @param cpuDirectory the CPU controller's directory on this host
 * @param memoryDirectory the memory controller's directory on this host
 */
public record Cgroup(CgroupVersion version, String cpuPath, String memoryPath, Path cpuDirectory, Path memoryDirectory) {

  /**
   * Validates the handle.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a path is not absolute
   */
  public Cgroup {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(cpuDirectory, "cpuDirectory");
    Objects.requireNonNull(memoryDirectory, "memoryDirectory");
    if (!cpuPath.startsWith("/") || !memoryPath.startsWith("/")) {
      throw new IllegalArgumentException("cgroup paths must start with '/': " + cpuPath + ", " + memoryPath);
    }
  }

  /**
   * Tells whether both directories still exist.
   *
   * @return false once the cgroup was removed
   */
  public boolean exists() {
    return Files.isDirectory(cpuDirectory) && Files.isDirectory(memoryDirectory);
  }

  /** Describes it as {@code cgroup v1 cpu:/a memory:/b} or {@code cgroup v2 /a}. */
  @Override
  public String toString() {
    if (version == CgroupVersion.V2 || cpuPath.equals(memoryPath)) {
      return "cgroup " + version.name().toLowerCase(java.util.Locale.ROOT) + " " + cpuPath;
    }
    return "cgroup v1 cpu:" + cpuPath + " memory:" + memoryPath;
  }
}
