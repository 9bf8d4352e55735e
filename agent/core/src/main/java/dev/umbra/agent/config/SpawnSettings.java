package dev.umbra.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the agent starts a shadow for {@code shadow=spawn}: where {@code umbra-shadow.jar} is, the
 * shadow JVM's heap and off-heap caps, the cgroup limits the shadow puts itself under, how long
 * it stays up with no primary, and its data folder.
 *
 * @param home {@code UMBRA_HOME}: when present, the shadow jar is looked for only there
 * @param heapBytes the shadow's {@code -Xmx}
 * @param offHeapBytes direct buffers and JavaCPP (ND4J) memory, each capped at this
 * @param cpuCores {@code umbra serve --cpu}: the shadow's own cgroup CPU limit
 * @param memoryBytes {@code umbra serve --memory}: the shadow's own cgroup memory limit
 * @param idleExit the shadow exits once no primary has been connected for this long
 * @param dataDir the shadow's {@code --data}; empty: {@code .umbra} in the application's working directory
 * @param httpPort the shadow's {@code --http-port} (0: any free port, written in its log)
 */
public record SpawnSettings(
    Optional<Path> home,
    long heapBytes,
    long offHeapBytes,
    Optional<Double> cpuCores,
    Optional<Long> memoryBytes,
    Duration idleExit,
    Optional<Path> dataDir,
    int httpPort) {

  public SpawnSettings {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(cpuCores, "cpuCores");
    Objects.requireNonNull(memoryBytes, "memoryBytes");
    Objects.requireNonNull(idleExit, "idleExit");
    Objects.requireNonNull(dataDir, "dataDir");
    if (heapBytes < (16L << 20) || offHeapBytes < (16L << 20)) {
      throw new IllegalArgumentException("heap and off-heap must be at least 16m");
    }
    if (idleExit.isNegative() || idleExit.isZero()) {
      throw new IllegalArgumentException("idle exit must be positive: " + idleExit);
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("http port " + httpPort + " is not in 0..65535");
    }
  }

  public static SpawnSettings defaults() {
    return new SpawnSettings(Optional.empty(), 512L << 20, 256L << 20, Optional.empty(), Optional.empty(),
        Duration.ofSeconds(30), Optional.empty(), 0);
  }

  /**
   * The spawned shadow's data folder: {@link #dataDir}, else {@code .umbra} in the working
   * directory, which is also {@code umbra serve}'s default: the agent looks for the shadow's
   * credentials there ({@link ShadowTargets#credentialFile}).
   */
  public Path dataDirOrDefault() {
    return dataDir.orElseGet(() -> Path.of(".umbra").toAbsolutePath());
  }
}
