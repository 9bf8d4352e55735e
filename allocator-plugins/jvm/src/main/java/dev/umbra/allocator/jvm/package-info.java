/**
 * The {@code jvm} allocator: sets the primary's own manageable heap flags ({@code
 * SoftMaxHeapSize}, {@code MinHeapFreeRatio}, {@code MaxHeapFreeRatio}) through its agent, so the
 * JVM returns committed memory before a memory limit is lowered (docs/architecture.md, "Resource
 * manager").
 *
 * <p>It reaches the agent through {@link dev.umbra.allocator.jvm.JvmFlagsChannel}, which the
 * host (the shadow) implements over the gRPC stream ({@code ApplyJvmSettings} command, {@code
 * CommandResult} answer) and hands over as an {@link dev.umbra.allocator.AllocatorContext}
 * service; this module does not depend on the shadow. It knows which collector honours what and
 * says so: {@code SoftMaxHeapSize} bounds the heap on ZGC and Shenandoah, and is accepted but
 * ignored by G1 before JDK 26 and by Parallel, Serial and Epsilon ({@link
 * dev.umbra.allocator.ApplyResult.Status#NO_EFFECT}).
 *
 * <p>Threads: no thread of its own; {@code apply} blocks on the channel's futures for at most
 * {@code timeout}. Thread-safe.
 */
package dev.umbra.allocator.jvm;
