package dev.umbra.shadow.ingest;

import dev.umbra.proto.v1.Checkpoint;
import dev.umbra.proto.v1.CommandResult;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.Rollback;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The checkpoint coordinator's way to primaries: their sessions and command streams. */
public final class SessionChannel implements CheckpointCoordinator.PrimaryChannel {
  private final Sessions sessions;

  public SessionChannel(Sessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public Optional<String> workload(String primaryId) {
    return sessions.get(primaryId).map(s -> s.identity().workload());
  }

  @Override
  public List<String> engines(String primaryId) {
    return sessions.get(primaryId)
        .filter(s -> s.state() == PrimaryState.CONNECTED)
        .map(s -> s.identity().capabilities().checkpointEngines())
        .orElse(List.of());
  }

  @Override
  public List<String> connected() {
    return sessions.all().stream()
        .filter(s -> s.state() == PrimaryState.CONNECTED)
        .map(PrimarySession::primaryId)
        .toList();
  }

  @Override
  public CompletableFuture<Void> checkpoint(String primaryId, String checkpointId, String engine) {
    return send(primaryId, ShadowCommand.newBuilder()
        .setCheckpoint(Checkpoint.newBuilder().setCheckpointId(checkpointId).setEngine(engine)));
  }

  @Override
  public CompletableFuture<Void> rollback(String primaryId, String checkpointId, String reason) {
    return send(primaryId, ShadowCommand.newBuilder()
        .setRollback(Rollback.newBuilder().setCheckpointId(checkpointId).setReason(reason)));
  }

  private CompletableFuture<Void> send(String primaryId, ShadowCommand.Builder command) {
    Optional<PrimarySession> session = sessions.get(primaryId);
    if (session.isEmpty()) {
      return CompletableFuture.failedFuture(new CheckpointException("no primary " + primaryId));
    }
    return session.get().send(command).thenCompose(SessionChannel::ok);
  }

  private static CompletableFuture<Void> ok(CommandResult result) {
    if (result.getStatus() == CommandStatus.COMMAND_STATUS_OK) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.failedFuture(new CheckpointException("the agent answered "
        + result.getStatus().name().replace("COMMAND_STATUS_", "") + ": " + result.getMessage()));
  }
}
