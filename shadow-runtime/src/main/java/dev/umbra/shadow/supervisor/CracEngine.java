package dev.umbra.shadow.supervisor;

import dev.umbra.shadow.checkpoint.CheckpointManifest;
import dev.umbra.shadow.checkpoint.CheckpointStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code crac} engine, for a CRaC-enabled JDK: the primary runs with
 * {@code -XX:CRaCCheckpointTo=<data>/crac/current}; a checkpoint is {@code jcmd <pid>
 * JDK.checkpoint}, after which the JVM has written its image and exited; the image is moved to
 * {@code <data>/crac/<id>}, recorded in the checkpoint store (a manifest with no state files, so
 * the coordinator promotes it to known-good like any other), and the primary continues at once
 * from it with {@code -XX:CRaCRestoreFrom}. A rollback ends the primary and restores the newest
 * known-good image.
 *
 * <p>A CRaC JDK refuses to checkpoint a JVM with open sockets or files; the agent registers a
 * {@code jdk.crac} resource ({@code dev.umbra.agent.CracResource}) that closes its stream to the
 * shadow, its JFR recordings and its sampling before the checkpoint and opens them again after,
 * under a new primary id for a restored process. Never run on these build machines (no CRaC
 * JDK, and CRIU fails here); see {@code CracIT} and docs/checkpoints.md.
 */
final class CracEngine implements Engine {
  static final String NAME = "crac";
  static final Duration CHECKPOINT_TIMEOUT = Duration.ofMinutes(2);

  private final Path root;
  private final CheckpointStore store;
  private final Clock clock;
  private long sequence;

  CracEngine(Path root, CheckpointStore store, Clock clock) {
    this.root = root;
    this.store = store;
    this.clock = clock;
  }

  /**
   * What this engine lacks to run {@code command}'s JDK, in one line naming it: a {@code java}
   * that refuses {@code -XX:CRaCCheckpointTo} (no CRaC), or no {@code jcmd} beside it (the
   * checkpoint is {@code jcmd JDK.checkpoint}). Empty when both are there. Starts that java once.
   */
  static Optional<String> missing(PrimaryCommand command) {
    if (!supported(command.java())) {
      return Optional.of(command.java() + " is not a CRaC JDK (it refuses -XX:CRaCCheckpointTo):"
          + " run the primary with a CRaC-enabled JDK, or use --engine app or restart");
    }
    Path jcmd = Path.of(command.jcmd());
    if (jcmd.getParent() != null && !Files.isExecutable(jcmd)) {
      return Optional.of("no jcmd beside " + command.java() + " (the crac engine checkpoints with jcmd JDK.checkpoint)");
    }
    return Optional.empty();
  }

  /** Whether {@code java} accepts {@code -XX:CRaCCheckpointTo}: runs it with {@code -version}. */
  static boolean supported(String java) {
    try {
      Path probe = Files.createTempDirectory("umbra-crac-probe");
      try {
        Process p = new ProcessBuilder(java, "-XX:CRaCCheckpointTo=" + probe, "-version")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
      } finally {
        Files.deleteIfExists(probe);
      }
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  Path current() {
    return root.resolve("current");
  }

  Path image(String id) {
    return root.resolve(id);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean checkpointsPeriodically() {
    return true;
  }

  @Override
  public List<String> launch(PrimaryCommand withAgent) {
    return withAgent.withJvmOptions(List.of("-XX:CRaCCheckpointTo=" + current())).argv();
  }

  /** {@code jcmd <pid> JDK.checkpoint} of the primary's JDK. */
  static List<String> checkpointCommand(PrimaryCommand command, long pid) {
    return List.of(command.jcmd(), Long.toString(pid), "JDK.checkpoint");
  }

  /** Continues a checkpointed JVM from its image (the JVM's own options are in the image). */
  static List<String> restoreCommand(PrimaryCommand command, Path image) {
    return List.of(command.java(), "-XX:CRaCRestoreFrom=" + image);
  }

  @Override
  public CompletableFuture<String> checkpoint(Supervisor supervisor, String primaryId) {
    return supervisor.async(() -> {
      Instant created = clock.instant();
      String id = "crac-" + created.toEpochMilli() + "-" + (++sequence);
      supervisor.replace("crac checkpoint " + id, old -> {
        Files.createDirectories(root);
        Process jcmd = new ProcessBuilder(checkpointCommand(supervisor.command(), supervisor.jvmPid(primaryId, old.pid())))
            .redirectErrorStream(true).start();
        String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!jcmd.waitFor(CHECKPOINT_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
          throw new IOException("jcmd JDK.checkpoint failed: " + said);
        }
        if (!old.waitFor(CHECKPOINT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          throw new IOException("the primary did not exit after JDK.checkpoint (" + said + ")");
        }
        Files.move(current(), image(id), StandardCopyOption.ATOMIC_MOVE);
        String workload = supervisor.workload(primaryId);
        store.begin(id, primaryId, workload, NAME, created).commit();
        pruneImages(workload);
      }, () -> restoreCommand(supervisor.command(), image(id)));
      return id;
    });
  }

  @Override
  public CompletableFuture<String> rollback(Supervisor supervisor, String primaryId, String reason) {
    return supervisor.async(() -> {
      CheckpointManifest target = newestKnownGood(supervisor.workload(primaryId))
          .orElseThrow(() -> new IOException("no known-good CRaC image yet"));
      supervisor.replace("crac restore " + target.id() + " (" + reason + ")", Supervisor::terminate,
          () -> restoreCommand(supervisor.command(), image(target.id())));
      return "CRaC image " + target.id();
    });
  }

  /** Deletes images whose checkpoint retention removed (the store keeps only manifests). */
  void pruneImages(String workload) throws IOException {
    Set<String> kept = new HashSet<>();
    store.list(workload).forEach(m -> kept.add(m.id()));
    try (Stream<Path> images = Files.list(root)) {
      for (Path image : images.filter(p -> p.getFileName().toString().startsWith("crac-")).toList()) {
        if (!kept.contains(image.getFileName().toString())) {
          try (Stream<Path> walk = Files.walk(image)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(p);
            }
          }
        }
      }
    }
  }

  Optional<CheckpointManifest> newestKnownGood(String workload) throws IOException {
    for (CheckpointManifest m : store.list(workload)) {
      if (m.engine().equals(NAME) && m.trust() == CheckpointManifest.Trust.KNOWN_GOOD && Files.isDirectory(image(m.id()))) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
