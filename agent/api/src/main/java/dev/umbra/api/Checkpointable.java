package dev.umbra.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Application state that Umbra can checkpoint and roll back (the {@code app} engine).
 *
 * <p>On a checkpoint Umbra calls, for every registered state in registration order,
 * {@link #beforeCheckpoint()}; then {@link #snapshot(OutputStream)} for each; then
 * {@link #afterCheckpoint()} for each in reverse order. On a rollback it calls
 * {@link #beforeCheckpoint()} for each, {@link #restore(InputStream)} for each with the bytes its
 * {@code snapshot} wrote, then {@link #afterCheckpoint()} in reverse order. Between
 * {@code beforeCheckpoint} and {@code afterCheckpoint} the application must not change the state
 * (quiesce: pause workers, hold a lock), as with CRaC's {@code Resource}.
 *
 * <p>Calls come from one Umbra thread, never concurrently for the same registry. An exception
 * from any method aborts that checkpoint or rollback: the states already touched get
 * {@code afterCheckpoint}, and the failure is reported to the shadow; the application keeps
 * running.
 */
public interface Checkpointable {

  /**
   * A stable name, unique among the states this application registers, e.g. {@code "orders"}.
   * A rollback restores each snapshot into the state of the same name.
   */
  String name();

  /**
   * Writes the whole state to {@code out}. Do not close {@code out}. The bytes are opaque to
   * Umbra: use any format your {@link #restore} reads.
   */
  void snapshot(OutputStream out) throws IOException;

  /**
   * Replaces the whole state with what {@link #snapshot} wrote. Do not close {@code in}.
   */
  void restore(InputStream in) throws IOException;

  /** Quiesce: after this returns, the state must not change until {@link #afterCheckpoint()}. Default: nothing. */
  default void beforeCheckpoint() throws Exception {}

  /** Resume after a snapshot or a restore. Default: nothing. */
  default void afterCheckpoint() throws Exception {}
}
