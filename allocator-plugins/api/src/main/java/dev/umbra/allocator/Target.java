package dev.umbra.allocator;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What is being allocated: one primary JVM, and where the platform can find it. Each allocator
 * uses the coordinates it understands and refuses, with an {@link AllocatorException}, a target
 * that lacks them: the {@code cgroup} allocator uses {@link #cgroup()} or else {@link #pid()}, the
 * {@code kubernetes} allocator uses {@link #pod()}, the {@code jvm} allocator uses {@link
 * #primaryId()}.
 *
 * <p>Immutable and thread-safe; equal targets denote the same thing.
 *
 * @param primaryId the primary's identity (host + pid + JVM start time, see docs/architecture.md,
 *     "Names"), not blank
 * @param pid the primary's process id on this host, if known and positive
 * @param cgroup the cgroup path relative to the hierarchy root (for example {@code /umbra-app}),
 *     if the primary has one of its own; starts with {@code /}, no {@code ..} segment
 * @param pod the Kubernetes container that runs the primary, if any
 */
public record Target(String primaryId, OptionalLong pid, Optional<String> cgroup, Optional<PodContainer> pod) {

  /**
   * Validates the coordinates.
   *
   * @param primaryId see the record component
   * @param pid see the record component
   * @param cgroup see the record component
   * @param pod see the record component
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if the id is blank, the pid not positive or the cgroup path
   *     not absolute or escaping the hierarchy
   */
  public Target {
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(cgroup, "cgroup");
    Objects.requireNonNull(pod, "pod");
    if (primaryId.isBlank()) {
      throw new IllegalArgumentException("primaryId is blank");
    }
    if (pid.isPresent() && pid.getAsLong() <= 0) {
      throw new IllegalArgumentException("pid must be > 0, was " + pid.getAsLong());
    }
    cgroup.ifPresent(Target::checkCgroupPath);
  }

  /**
   * Returns a target known only by its primary id.
   *
   * @param primaryId the primary's identity, not blank
   * @return the target
   */
  public static Target primary(String primaryId) {
    return new Target(primaryId, OptionalLong.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Returns a copy with the process id set.
   *
   * @param processId the primary's pid, &gt; 0
   * @return the copy
   */
  public Target withPid(long processId) {
    return new Target(primaryId, OptionalLong.of(processId), cgroup, pod);
  }

  /**
   * Returns a copy with the cgroup path set.
   *
   * @param path absolute path inside the cgroup hierarchy, for example {@code /umbra-app}
   * @return the copy
   */
  public Target withCgroup(String path) {
    return new Target(primaryId, pid, Optional.of(path), pod);
  }

  /**
   * Returns a copy with the Kubernetes container set.
   *
   * @param namespace the pod's namespace
   * @param podName the pod's name
   * @param container the container's name in the pod
   * @return the copy
   */
  public Target withPod(String namespace, String podName, String container) {
    return new Target(primaryId, pid, cgroup, Optional.of(new PodContainer(namespace, podName, container)));
  }

  private static void checkCgroupPath(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("cgroup path must start with '/': " + path);
    }
    for (String segment : path.split("/")) {
      if (segment.equals("..") || segment.equals(".")) {
        throw new IllegalArgumentException("cgroup path must not contain '" + segment + "': " + path);
      }
    }
  }

  /**
   * One container of one pod.
   *
   * @param namespace the namespace, a DNS-1123 label
   * @param pod the pod name, a DNS-1123 subdomain
   * @param container the container name, a DNS-1123 label
   */
  public record PodContainer(String namespace, String pod, String container) {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SUBDOMAIN =
        Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /**
     * Validates the names as Kubernetes does.
     *
     * @param namespace see the record component
     * @param pod see the record component
     * @param container see the record component
     * @throws IllegalArgumentException if a name is not a valid Kubernetes name
     */
    public PodContainer {
      check("namespace", namespace, LABEL);
      check("pod", pod, SUBDOMAIN);
      check("container", container, LABEL);
      if (pod.length() > 253) {
        throw new IllegalArgumentException("pod name longer than 253 characters: " + pod);
      }
    }

    private static void check(String what, String value, Pattern pattern) {
      Objects.requireNonNull(value, what);
      if (!pattern.matcher(value).matches()) {
        throw new IllegalArgumentException(what + " is not a valid Kubernetes name: '" + value + "'");
      }
    }

    @Override
    public String toString() {
      return namespace + "/" + pod + "/" + container;
    }
  }
}
