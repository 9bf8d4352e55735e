package dev.umbra.api;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * What the Umbra agent calls, through the platform MBean server, to checkpoint and restore the
 * registered states. Only JDK types cross it, so the agent needs no class from this API. Not for
 * applications: they use {@link Umbra#register}.
 */
public interface CheckpointRegistryMBean {
  /** Names of the registered states, in registration order. */
  String[] getNames();

  /**
   * Quiesces every state in registration order. If one fails, those already quiesced are
   * resumed (reverse order) and the failure is thrown.
   */
  void beforeCheckpoint() throws Exception;

  /** Writes the state called {@code name} to {@code out}; between before and after only. */
  void snapshot(String name, OutputStream out) throws Exception;

  /** Replaces the state called {@code name} from {@code in}; between before and after only. */
  void restore(String name, InputStream in) throws Exception;

  /** Resumes every quiesced state in reverse order; the first failure is thrown after all ran. */
  void afterCheckpoint() throws Exception;
}
