package dev.umbra.agent.command;

import java.util.Map;
import java.util.Objects;

/** A command from the shadow, by id (unique per stream). */
public sealed interface Command {
  long id();

  record SetSampling(long id, SamplingChange change) implements Command {
    public SetSampling {
      Objects.requireNonNull(change, "change");
    }
  }

  record ApplyJvmSettings(long id, Map<String, String> flags, boolean requestGc) implements Command {
    public ApplyJvmSettings {
      flags = Map.copyOf(flags);
    }
  }

  record Checkpoint(long id, String checkpointId, String engine) implements Command {}

  record Rollback(long id, String checkpointId, String reason) implements Command {}
}
