package dev.umbra.allocator.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A handle on one control group as the CPU, memory and (where there is one) I/O controllers see
 * it. Under v2 all controllers share one directory; under v1 each has its own hierarchy, and a
 * process's path may differ between them (for example {@code /} for cpu and {@code /system.slice/x}
 * for memory).
 *
 * <p>Immutable value; it does not keep the cgroup alive, and the cgroup may vanish at any time.
 *
 * @param version which interface manages it
 * @param cpuPath path inside the CPU hierarchy, starting with {@code /}
 * @param memoryPath path inside the memory hierarchy, starting with {@code /}
 * @param cpuDirectory the CPU controller's directory on this host
 * @param memoryDirectory the memory controller's directory on this host
 * @param ioPath path inside the I/O hierarchy (v1 {@code blkio}, v2 the unified one), empty where
 *     the host has no I/O controller or the cgroup has no directory in it
 * @param ioDirectory the I/O controller's directory on this host, present exactly when {@code ioPath} is
 */
public record Cgroup(CgroupVersion version, String cpuPath, String memoryPath, Path cpuDirectory, Path memoryDirectory,
    Optional<String> ioPath, Optional<Path> ioDirectory) {

  /**
   * Validates the handle.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a path is not absolute, or only one of the I/O path and
   *     directory is present
   */
  public Cgroup {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(cpuDirectory, "cpuDirectory");
    Objects.requireNonNull(memoryDirectory, "memoryDirectory");
    Objects.requireNonNull(ioPath, "ioPath");
    Objects.requireNonNull(ioDirectory, "ioDirectory");
    if (!cpuPath.startsWith("/") || !memoryPath.startsWith("/") || !ioPath.orElse("/").startsWith("/")) {
      throw new IllegalArgumentException("cgroup paths must start with '/': " + cpuPath + ", " + memoryPath + ", " + ioPath);
    }
    if (ioPath.isPresent() != ioDirectory.isPresent()) {
      throw new IllegalArgumentException("the I/O path and directory go together: " + ioPath + ", " + ioDirectory);
    }
  }

  /**
   * A handle without an I/O controller.
   *
   * @param version see the record component
   * @param cpuPath see the record component
   * @param memoryPath see the record component
   * @param cpuDirectory see the record component
   * @param memoryDirectory see the record component
   */
  public Cgroup(CgroupVersion version, String cpuPath, String memoryPath, Path cpuDirectory, Path memoryDirectory) {
    this(version, cpuPath, memoryPath, cpuDirectory, memoryDirectory, Optional.empty(), Optional.empty());
  }

  /**
   * Tells whether its directories still exist.
   *
   * @return false once the cgroup was removed
   */
  public boolean exists() {
    return Files.isDirectory(cpuDirectory) && Files.isDirectory(memoryDirectory)
        && ioDirectory.map(Files::isDirectory).orElse(true);
  }

  /**
   * Returns its distinct directories: one under v2, one per controller hierarchy under v1 (cpu,
   * memory, then I/O). Moving a process into the cgroup means writing its pid to {@code
   * cgroup.procs} in each.
   *
   * @return a new list, in that order
   */
  public List<Path> directories() {
    Set<Path> dirs = new LinkedHashSet<>();
    dirs.add(cpuDirectory);
    dirs.add(memoryDirectory);
    ioDirectory.ifPresent(dirs::add);
    return new ArrayList<>(dirs);
  }

  /**
   * Describes it as {@code cgroup v2 /a}, or {@code cgroup v1 /a} when its paths agree, else
   * {@code cgroup v1 cpu:/a memory:/b blkio:/c}.
   */
  @Override
  public String toString() {
    boolean samePaths = cpuPath.equals(memoryPath) && ioPath.orElse(cpuPath).equals(cpuPath);
    if (version == CgroupVersion.V2 || samePaths) {
      return "cgroup " + version.name().toLowerCase(Locale.ROOT) + " " + cpuPath;
    }
    return "cgroup v1 cpu:" + cpuPath + " memory:" + memoryPath + ioPath.map(p -> " blkio:" + p).orElse("");
  }
}
