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
 * with systemd's legacy mode does); otherwise a cgroup2 mount that offers both controllers.
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

  final CgroupVersion version;
  final Mount cpu;
  final Mount memory;

  private Hierarchy(CgroupVersion version, Mount cpu, Mount memory) {
    this.version = version;
    this.cpu = cpu;
    this.memory = memory;
  }

  static Hierarchy detect(String mountinfo) throws AllocatorException {
    List<MountInfo.Mount> mounts = MountInfo.cgroupMounts(mountinfo);
    Optional<MountInfo.Mount> cpu = v1Mount(mounts, "cpu");
    Optional<MountInfo.Mount> memory = v1Mount(mounts, "memory");
    if (cpu.isPresent() && memory.isPresent()) {
      return new Hierarchy(CgroupVersion.V1, new Mount(cpu.get().mountPoint(), cpu.get().root()),
          new Mount(memory.get().mountPoint(), memory.get().root()));
    }
    for (MountInfo.Mount mount : mounts) {
      if (mount.fsType().equals("cgroup2")) {
        Set<String> controllers = controllers(mount.mountPoint().resolve("cgroup.controllers"));
        if (controllers.contains("cpu") && controllers.contains("memory")) {
          Mount unified = new Mount(mount.mountPoint(), mount.root());
          return new Hierarchy(CgroupVersion.V2, unified, unified);
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

  /**
   * Reads a process's cgroup paths from {@code /proc/<pid>/cgroup}: {@code [cpuPath, memoryPath]}.
   */
  String[] paths(String procCgroup) throws AllocatorException {
    String cpuPath = null;
    String memoryPath = null;
    for (String line : procCgroup.split("\n")) {
      String[] parts = line.strip().split(":", 3);
      if (parts.length != 3) {
        continue;
      }
      if (version == CgroupVersion.V2) {
        if (parts[0].equals("0") && parts[1].isEmpty()) {
          return new String[] {parts[2], parts[2]};
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
    }
    if (cpuPath == null || memoryPath == null) {
      throw new AllocatorException(Reason.UNAVAILABLE_HERE,
          "the process's cgroup file names no " + (cpuPath == null ? "cpu" : "memory") + " cgroup (" + version + ")");
    }
    return new String[] {cpuPath, memoryPath};
  }

  Cgroup cgroup(String cpuPath, String memoryPath) {
    return new Cgroup(version, cpuPath, memoryPath, cpu.directory(cpuPath), memory.directory(memoryPath));
  }
}
