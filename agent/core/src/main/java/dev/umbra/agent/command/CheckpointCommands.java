package dev.umbra.agent.command;

import dev.umbra.agent.checkpoint.CheckpointEngine;
import dev.umbra.agent.log.AgentLog;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Checkpoint and Rollback: handed to the in-process engine that can run them. */
final class CheckpointCommands {
  private CheckpointCommands() {}

  static CommandResult checkpoint(List<CheckpointEngine> engines, Command.Checkpoint command) {
    String wanted = command.engine();
    Optional<CheckpointEngine> engine = engines.stream()
        .filter(e -> wanted.isEmpty() || e.name().equals(wanted)).findFirst();
    if (engine.isEmpty()) {
      return unsupported(command.id(), "checkpoint engine '" + wanted + "' is not supported inside the agent"
          + ("crac".equals(wanted) || "restart".equals(wanted) ? " (it runs in the supervisor, umbra run)" : "")
          + "; in-process engines here: " + engines.stream().map(CheckpointEngine::name).toList());
    }
    if (!engine.get().available()) {
      return unsupported(command.id(), "checkpoint engine '" + engine.get().name() + "' is not supported by this"
          + " primary yet: the application registered no Checkpointable (umbra-api Umbra.register)");
    }
    try {
      Map<String, String> details = engine.get().checkpoint(command.checkpointId());
      AgentLog.debug("checkpoint " + command.checkpointId() + " taken: " + details);
      return new CommandResult(command.id(), CommandResult.Status.OK, "", details);
    } catch (Exception e) {
      AgentLog.warn("checkpoint " + command.checkpointId() + " failed; the application runs on: " + describe(e));
      return failed(command.id(), "checkpoint " + command.checkpointId() + " failed: " + describe(e));
    }
  }

  static CommandResult rollback(List<CheckpointEngine> engines, Command.Rollback command) {
    Optional<CheckpointEngine> engine = engines.stream().filter(CheckpointEngine::available).findFirst();
    if (engine.isEmpty()) {
      return unsupported(command.id(), "no in-process checkpoint engine can restore here"
          + " (register a Checkpointable through umbra-api for the app engine)");
    }
    try {
      AgentLog.info("rolling back to checkpoint " + command.checkpointId() + ": " + command.reason());
      return new CommandResult(command.id(), CommandResult.Status.OK, "", engine.get().restore(command.checkpointId()));
    } catch (Exception e) {
      AgentLog.warn("rollback to " + command.checkpointId() + " failed: " + describe(e));
      return failed(command.id(), "rollback to " + command.checkpointId() + " failed: " + describe(e));
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static CommandResult failed(long id, String message) {
    return new CommandResult(id, CommandResult.Status.FAILED, message, Map.of());
  }

  private static CommandResult unsupported(long id, String message) {
    return new CommandResult(id, CommandResult.Status.UNSUPPORTED, message, Map.of());
  }
}
