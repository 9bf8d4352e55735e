package dev.umbra.allocator.jvm;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The jvm allocator's way to a primary's agent, implemented by the host: the shadow sends an
 * {@code ApplyJvmSettings} command on the primary's stream and completes the future with the
 * {@code CommandResult}. Offered to the plugin as an {@link dev.umbra.allocator.AllocatorContext}
 * service under this interface.
 *
 * <p>Implementations are thread-safe and never block the caller; futures complete exceptionally
 * with {@link java.util.NoSuchElementException} when the primary is not connected, and with
 * another exception when the command could not be delivered.
 */
public interface JvmFlagsChannel {

  /**
   * Returns what the host knows of the primary's JVM.
   *
   * @param primaryId the primary's identity
   * @return the facts, or a future failed with {@link java.util.NoSuchElementException}
   */
  CompletableFuture<JvmFacts> facts(String primaryId);

  /**
   * Sets manageable flags in the primary ({@code HotSpotDiagnosticMXBean.setVMOption}), all in
   * one command, each independently, then requests a GC if asked. Flags that depend on each
   * other (MinHeapFreeRatio may not exceed the MaxHeapFreeRatio in force) are applied whatever
   * order they arrive in: the agent tries a refused flag again after the others.
   *
   * @param primaryId the primary's identity
   * @param flags flag name to value; callers still pass a sensible order (a {@link java.util.LinkedHashMap}),
   *     which older agents relied on
   * @param requestGc whether to request a GC afterwards (so the collector can return memory)
   * @return what the agent did
   */
  CompletableFuture<FlagResult> apply(String primaryId, Map<String, String> flags, boolean requestGc);
}
