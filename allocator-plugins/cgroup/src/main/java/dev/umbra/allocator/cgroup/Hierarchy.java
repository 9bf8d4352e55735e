package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the CPU and memory controllers are mounted, found from mountinfo. v1 wins when both
 * controllers have a v1 mount (a "hybrid" host mounts an empty cgroup2 beside them, as Debian 11+
 * with systemd's legacy mode does); otherwise a cgroup2 mount that offers both controllers. The
 * I/O controller is optional: v1's {@code blkio} mount, or v2's {@code io} when the unified root
 * offers it.
 */
final class Hierarchy {

  /** One controller's mount: the directory and the cgroup path that directory shows. */
  record Mount(Path mountPoint, String root) {
    Path directory(String cgroupPath) {
      String relative = cgroupPath;
      if (!root.equals("/") && (cgroupPath.equals(root) || cgroupPath.startsWith(root + "/"))) {
        relative = cgroupPath.substring(root.length());
      }
      Path dir = mountPoint;
      for (String segment : relative.split("/")) {
        if (!segment.isEmpty()) {
          dir = dir.resolve(segment);
        }
      }
      return dir;
    }
  }

  /** A process's path in each hierarchy; {@code io} empty without an I/O controller. */
  record Paths(String cpu, String memory, Optional<String> io) {}

  final CgroupVersion version;
  final Mount cpu;
  final Mount memory;
  /** The I/O controller's mount (v1 {@code blkio}, v2 the unified one), if the host has one. */
  final Optional<Mount> io;

  private Hierarchy(CgroupVersion version, Mount cpu, Mount memory, Optional<Mount> io) {
    this.version = version;
    this.cpu = cpu;
    this.memory = memory;
    this.io = io;
  }

  static Hierarchy detect(String mountinfo) throws AllocatorException {
    List<MountInfo.Mount> mounts = MountInfo.cgroupMounts(mountinfo);
    Optional<MountInfo.Mount> cpu = v1Mount(mounts, "cpu");
    Optional<MountInfo.Mount> memory = v1Mount(mounts, "memory");
    if (cpu.isPresent() && memory.isPresent()) {
      return new Hierarchy(CgroupVersion.V1, new Mount(cpu.get().mountPoint(), cpu.get().root()),
          new Mount(memory.get().mountPoint(), memory.get().root()),
          v1Mount(mounts, "blkio").map(m -> new Mount(m.mountPoint(), m.root())));
    }
    for (MountInfo.Mount mount : mounts) {
      if (mount.fsType().equals("cgroup2")) {
        Set<String> controllers = controllers(mount.mountPoint().resolve("cgroup.controllers"));
        if (controllers.contains("cpu") && controllers.contains("memory")) {
          Mount unified = new Mount(mount.mountPoint(), mount.root());
          return new Hierarchy(CgroupVersion.V2, unified, unified,
              controllers.contains("io") ? Optional.of(unified) : Optional.empty());
        }
      }
    }
    throw new AllocatorException(Reason.UNAVAILABLE_HERE,
        "no cgroup hierarchy with the cpu and memory controllers is mounted here (looked for cgroup v1 "
            + "mounts of cpu and memory and a cgroup2 mount offering both, in mountinfo)");
  }

  private static Optional<MountInfo.Mount> v1Mount(List<MountInfo.Mount> mounts, String controller) {
    return mounts.stream()
        .filter(m -> m.fsType().equals("cgroup") && m.superOptions().contains(controller))
        .findFirst();
  }

  static Set<String> controllers(Path file) {
    try {
      return Set.of(Files.readString(file).strip().split("\\s+"));
    } catch (IOException e) {
      return Set.of();
    }
  }

  /** Reads a process's cgroup paths from {@code /proc/<pid>/cgroup}. */
  Paths paths(String procCgroup) throws AllocatorException {
    String cpuPath = null;
    String memoryPath = null;
    String ioPath = null;
    for (String line : procCgroup.split("\n")) {
      String[] parts = line.strip().split(":", 3);
      if (parts.length != 3) {
        continue;
      }
      if (version == CgroupVersion.V2) {
        if (parts[0].equals("0") && parts[1].isEmpty()) {
          return new Paths(parts[2], parts[2], io.map(m -> parts[2]));
        }
        continue;
      }
      Set<String> controllers = Set.of(parts[1].split(","));
      if (controllers.contains("cpu")) {
        cpuPath = parts[2];
      }
      if (controllers.contains("memory")) {
        memoryPath = parts[2];
      }
      if (controllers.contains("blkio")) {
        ioPath = parts[2];
      }
    }
    if (cpuPath == null || memoryPath == null) {
      throw new AllocatorException(Reason.UNAVAILABLE_HERE,
          "the process's cgroup file names no " + (cpuPath == null ? "cpu" : "memory") + " cgroup (" + version + ")");
    }
    return new Paths(cpuPath, memoryPath, io.isPresent() ? Optional.ofNullable(ioPath) : Optional.empty());
  }

  Cgroup cgroup(Paths paths) {
    Optional<Path> ioDirectory = paths.io().flatMap(p -> io.map(m -> m.directory(p)));
    return new Cgroup(version, paths.cpu(), paths.memory(), cpu.directory(paths.cpu()), memory.directory(paths.memory()),
        ioDirectory.isPresent() ? paths.io() : Optional.empty(), ioDirectory);
  }
}
