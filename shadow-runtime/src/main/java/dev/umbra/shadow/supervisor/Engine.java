package dev.umbra.shadow.supervisor;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A checkpoint engine as the supervisor runs it: what it adds to the launch command, how it
 * checkpoints the running primary, and how it brings the primary back to a known-good state.
 * {@code app} works in place through the agent; {@code crac} and {@code restart} replace the
 * process. Methods may block (a relaunch waits for the old process): the supervisor calls them
 * on its own threads.
 */
interface Engine {
  /** "app", "crac" or "restart". */
  String name();

  /** Whether periodic checkpoints mean anything (restart's known-good state is its launch). */
  boolean checkpointsPeriodically();

  /** The command that starts the primary fresh. */
  List<String> launch(PrimaryCommand withAgent);

  /** Takes a checkpoint of the running primary; completes with its id. */
  CompletableFuture<String> checkpoint(Supervisor supervisor, String primaryId);

  /** Returns the primary to its last known-good state; completes with what was restored. */
  CompletableFuture<String> rollback(Supervisor supervisor, String primaryId, String reason);
}
