package dev.umbra.agent.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Moves checkpoint states between this agent and the shadow, streaming: nothing holds a whole
 * state in memory. Implemented over gRPC in {@code dev.umbra.agent.transport}.
 */
public interface StateTransfer {
  /** Starts uploading checkpoint {@code checkpointId}. */
  Upload upload(String checkpointId) throws IOException;

  /** Streams checkpoint {@code checkpointId}'s states, in stored order, to {@code sink}. */
  void download(String checkpointId, StateSink sink) throws Exception;

  /**
   * One upload: {@link #state} for each state in order (close each stream to end the state),
   * then {@link #finish}. Closing without finishing aborts it: the shadow keeps nothing.
   */
  interface Upload extends AutoCloseable {
    OutputStream state(String name) throws IOException;

    Summary finish() throws IOException;

    @Override
    void close();
  }

  /** What the shadow stored. */
  record Summary(long sizeBytes, String sha256) {}

  /** Receives one state; the stream ends with the state and fails if its checksum does not match. */
  @FunctionalInterface
  interface StateSink {
    void state(String name, InputStream in) throws Exception;
  }
}
