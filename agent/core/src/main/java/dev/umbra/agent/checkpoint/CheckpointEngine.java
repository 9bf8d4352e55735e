package dev.umbra.agent.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * A way to checkpoint and restore this JVM from inside it. Called on the command thread only.
 * Failures are exceptions whose message is reported to the shadow; the application runs on.
 */
public interface CheckpointEngine {
  /** The engine's name on the wire: "app". */
  String name();

  /** Whether it can run now (for Hello's {@code checkpoint_engines}). */
  boolean available();

  /** Names of the states a checkpoint would hold now (for Hello's {@code checkpointables}). */
  List<String> stateNames();

  /** Takes checkpoint {@code checkpointId} and hands it to the shadow; returns facts for the result. */
  Map<String, String> checkpoint(String checkpointId) throws Exception;

  /** Restores checkpoint {@code checkpointId} from the shadow; returns facts for the result. */
  Map<String, String> restore(String checkpointId) throws Exception;
}
