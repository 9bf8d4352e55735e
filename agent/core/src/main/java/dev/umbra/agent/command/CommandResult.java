package dev.umbra.agent.command;

import java.util.Map;
import java.util.Objects;

/** The answer to a command; {@code message} is empty when OK. */
public record CommandResult(long commandId, Status status, String message, Map<String, String> details) {
  public enum Status { OK, FAILED, UNSUPPORTED }

  public CommandResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    details = Map.copyOf(details);
  }
}
