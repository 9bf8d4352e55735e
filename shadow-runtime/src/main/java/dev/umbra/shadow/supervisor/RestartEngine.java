package dev.umbra.shadow.supervisor;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The {@code restart} engine: the known-good state is a fresh start from the launch command. */
final class RestartEngine implements Engine {
  static final String NAME = "restart";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean checkpointsPeriodically() {
    return false;
  }

  @Override
  public List<String> launch(PrimaryCommand withAgent) {
    return withAgent.argv();
  }

  @Override
  public CompletableFuture<String> checkpoint(Supervisor supervisor, String primaryId) {
    return CompletableFuture.completedFuture("launch");
  }

  @Override
  public CompletableFuture<String> rollback(Supervisor supervisor, String primaryId, String reason) {
    return supervisor.async(() -> {
      supervisor.replace("restart (" + reason + ")", Supervisor::terminate, supervisor::launchArgv);
      return "a fresh start from the launch command";
    });
  }
}
