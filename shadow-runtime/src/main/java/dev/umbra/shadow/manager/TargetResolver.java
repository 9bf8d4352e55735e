package dev.umbra.shadow.manager;

import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.Target;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a primary can be found for an allocator, from its {@code Hello}: on this host its pid
 * (the {@code cgroup} plugin reads {@code /proc/<pid>/cgroup} and adopts the cgroup it is in,
 * whoever created it); in Kubernetes the pod the shadow was configured with ({@code pod}
 * key, typically from the downward API as {@code UMBRA_POD}). Thread-safe.
 */
final class TargetResolver {
  private final String localHost;
  private final Path proc;
  private final Optional<String> pod;

  TargetResolver(String localHost, Path proc, Optional<String> pod) {
    this.localHost = localHost;
    this.proc = proc;
    this.pod = pod;
  }

  /** This host's name as agents report it ({@code InetAddress.getLocalHost().getHostName()}). */
  static String localHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * @throws AllocatorException ({@link Reason#TARGET_GONE}) when the primary runs elsewhere and no
   *     pod is configured, or its process is gone
   */
  Target resolve(PrimaryIdentity identity) throws AllocatorException {
    Target target = Target.primary(identity.primaryId());
    if (pod.isPresent()) {
      String[] p = pod.get().split("/", -1);
      try {
        target = target.withPod(p[0], p[1], p[2]);
      } catch (IllegalArgumentException e) {
        throw new AllocatorException(Reason.INVALID_REQUEST, "pod '" + pod.get() + "': " + e.getMessage());
      }
    }
    boolean local = identity.host().equals(localHost);
    if (local && identity.pid() > 0) {
      if (!Files.isDirectory(proc.resolve(Long.toString(identity.pid())))) {
        if (pod.isPresent()) {
          return target;
        }
        throw new AllocatorException(Reason.TARGET_GONE, "process " + identity.pid() + " of primary "
            + identity.primaryId() + " no longer exists on this host; nothing applied");
      }
      return target.withPid(identity.pid());
    }
    if (pod.isEmpty()) {
      throw new AllocatorException(Reason.TARGET_GONE, "primary " + identity.primaryId() + " runs on host '"
          + identity.host() + "', not on this one ('" + localHost + "'), and no pod is configured; nothing applied");
    }
    return target;
  }

  /** Where a target is, for the audit: the cgroup of its pid when readable, else its coordinates. */
  String describe(Target target) {
    StringBuilder s = new StringBuilder();
    target.pod().ifPresent(p -> s.append("pod ").append(p));
    if (target.pid().isPresent()) {
      long pid = target.pid().getAsLong();
      s.append(s.length() == 0 ? "" : " ").append("pid ").append(pid);
      try {
        for (String line : Files.readAllLines(proc.resolve(pid + "/cgroup"))) {
          String[] parts = line.split(":", 3);
          if (parts.length == 3 && (parts[1].contains("memory") || parts[1].isEmpty())) {
            s.append(" cgroup ").append(parts[2]);
            break;
          }
        }
      } catch (IOException | RuntimeException e) {
        // the pid alone says enough
      }
    }
    return s.toString();
  }
}
