package dev.umbra.shadow.supervisor;

import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointManifest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code app} engine, driven from the shadow: the coordinator asks the agent to snapshot the
 * application's {@code Checkpointable} states (streamed into the checkpoint store) and to restore
 * the newest known-good one in place. With no known-good checkpoint yet, a rollback falls back
 * to a restart from the launch command.
 */
final class AgentAppEngine implements Engine {
  static final String NAME = "app";

  private final CheckpointCoordinator coordinator;
  private final RestartEngine fallback = new RestartEngine();

  AgentAppEngine(CheckpointCoordinator coordinator) {
    this.coordinator = coordinator;
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
    return withAgent.argv();
  }

  @Override
  public CompletableFuture<String> checkpoint(Supervisor supervisor, String primaryId) {
    return coordinator.checkpoint(primaryId, NAME).thenApply(m -> m.id() + " (" + m.sizeBytes() + " bytes)");
  }

  @Override
  public CompletableFuture<String> rollback(Supervisor supervisor, String primaryId, String reason) {
    boolean hasKnownGood;
    try {
      hasKnownGood = coordinator.listAll().stream()
          .anyMatch(m -> m.primaryId().equals(primaryId) && m.trust() == CheckpointManifest.Trust.KNOWN_GOOD);
    } catch (IOException e) {
      hasKnownGood = false;
    }
    if (!hasKnownGood) {
      supervisor.say("no known-good checkpoint of " + primaryId + " yet: restarting it instead");
      return fallback.rollback(supervisor, primaryId, reason);
    }
    return coordinator.rollback(primaryId, Optional.empty(), reason).thenApply(m -> "checkpoint " + m.id() + " in place");
  }
}
