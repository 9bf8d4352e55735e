package dev.umbra.it.support;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What /proc says about processes, independent of what Umbra claims: who listens on a TCP port,
 * a process's command line and cgroups (Linux; as root every process is readable).
 */
public final class Procs {
  private Procs() {}

  /** The pid of the process with a listening socket on {@code port} (IPv4 or IPv6), if any. */
  public static Optional<Long> listening(int port) {
    List<String> inodes = new ArrayList<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[1].contains(":") && f[3].equals("0A")
              && Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16) == port) {
            inodes.add("socket:[" + f[9] + "]");
          }
        }
      } catch (IOException | RuntimeException e) {
        // table absent (no IPv6): look at the other
      }
    }
    if (inodes.isEmpty()) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
          for (Path fd : fds) {
            try {
              if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                return Optional.of(Long.parseLong(proc.getFileName().toString()));
              }
            } catch (IOException e) {
              // fd closed meanwhile
            }
          }
        } catch (IOException e) {
          // process gone meanwhile
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Optional.empty();
  }

  /** The command line, arguments joined by spaces; empty when the process is gone. */
  public static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), java.nio.charset.StandardCharsets.UTF_8)
          .replace('\0', ' ').trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** Live processes whose command line contains every one of {@code parts}. */
  public static List<Long> withCommandLine(String... parts) {
    List<Long> pids = new ArrayList<>();
    ProcessHandle.allProcesses().forEach(p -> {
      String cmd = commandLine(p.pid());
      boolean all = !cmd.isEmpty();
      for (String part : parts) {
        all &= cmd.contains(part);
      }
      if (all) {
        pids.add(p.pid());
      }
    });
    return pids;
  }

  /** {@code /proc/<pid>/cgroup}; empty when the process is gone. */
  public static String cgroups(long pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/cgroup"));
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The directories of a cgroup path in the cpu and memory hierarchies of this host (v1), or in the
   * unified one (v2), e.g. {@code /sys/fs/cgroup/memory/a/b}.
   */
  public static List<Path> cgroupDirectories(String procCgroup, String leafName) {
    List<Path> dirs = new ArrayList<>();
    for (String line : procCgroup.split("\n")) {
      String[] parts = line.split(":", 3);
      if (parts.length != 3 || !parts[2].contains(leafName)) {
        continue;
      }
      if (parts[1].isEmpty()) {
        dirs.add(Path.of("/sys/fs/cgroup" + parts[2]));
      } else {
        for (String controller : parts[1].split(",")) {
          if (controller.equals("cpu") || controller.equals("memory")) {
            dirs.add(Path.of("/sys/fs/cgroup/" + controller + parts[2]));
          }
        }
      }
    }
    return dirs;
  }

  /**
   * Whether this process may create cgroups beside its own (root with writable cgroupfs): tries
   * to create and remove a probe under its own memory (v1) or unified (v2) cgroup.
   */
  public static boolean cgroupsWritable() {
    for (String line : cgroups(ProcessHandle.current().pid()).split("\n")) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3 && (parts[1].equals("memory") || (parts[0].equals("0") && parts[1].isEmpty()))) {
        Path base = parts[1].isEmpty() ? Path.of("/sys/fs/cgroup" + parts[2]) : Path.of("/sys/fs/cgroup/memory" + parts[2]);
        if (parts[1].isEmpty() && !Files.exists(base.resolve("cgroup.controllers"))) {
          continue; // an empty cgroup2 beside v1 (hybrid)
        }
        Path probe = base.resolve("umbra-it-probe-" + ProcessHandle.current().pid());
        try {
          Files.createDirectory(probe);
          Files.delete(probe);
          return true;
        } catch (IOException | RuntimeException e) {
          return false;
        }
      }
    }
    return false;
  }

}
