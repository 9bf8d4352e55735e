package dev.umbra.agent.telemetry;

import java.util.List;

/**
 * What the agent can do right now and how it is doing; read by the transport for Hello and
 * Heartbeat.
 */
public interface AgentStatus {
  boolean jfrRunning();

  boolean ioHooksInstalled();

  boolean cracAvailable();

  List<String> manageableFlags();

  /** Checkpoint engines this agent runs in-process ("app"), for Hello. */
  default List<String> checkpointEngines() {
    return List.of();
  }

  /** Names of the states the application registered, for Hello. */
  default List<String> checkpointables() {
    return List.of();
  }

  /** Throwables suppressed inside advice since start. */
  long adviceErrors();

  /** CPU time of the agent's own threads since start, ms. */
  double agentCpuMillis();
}
