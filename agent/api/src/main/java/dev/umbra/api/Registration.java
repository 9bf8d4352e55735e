package dev.umbra.api;

/**
 * The handle {@link Umbra#register} returns; closing it removes the state from checkpoints.
 * Idempotent.
 */
public interface Registration extends AutoCloseable {
  @Override
  void close();
}
