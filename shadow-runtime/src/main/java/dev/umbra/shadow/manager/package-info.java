/**
 * The resource manager (docs/architecture.md, "Resource manager"): per managed primary and
 * resource, every tick, the forecast peak over the actuation lead time at the configured quantile,
 * the allocation in effect and P(demand &gt; allocation) decide whether to pre-provision, hold or
 * scale down (bounds, headroom, hysteresis band, cooldown, step limit); the chosen allocator plugin
 * applies it and every decision goes to the {@link dev.umbra.shadow.manager.DecisionLog}.
 *
 * <p>Memory for a JVM is sized from what it needs (live set after GC plus off-heap), not its
 * RSS; before a memory limit is lowered below what the JVM holds, the {@code jvm} allocator
 * asks the JVM to give memory back, and the limit follows the RSS down, never below usage.
 *
 * <p>Structure: {@link dev.umbra.shadow.manager.ResourceManager} is the loop (read, decide, act,
 * record) and where it is wired ({@code start}), reading through {@link
 * dev.umbra.shadow.manager.DemandReader}; one pure decider per resource ({@link
 * dev.umbra.shadow.manager.CpuDecider}, {@link dev.umbra.shadow.manager.MemoryDecider}, {@link
 * dev.umbra.shadow.manager.DiskDecider}, {@link dev.umbra.shadow.manager.HeapDecider}) turns an
 * input record into a {@link dev.umbra.shadow.manager.Policy.Plan}; {@link
 * dev.umbra.shadow.manager.AllocatorLoader} opens the allocator plugins.
 *
 * <p>Threads: {@link dev.umbra.shadow.manager.ResourceManager} runs on one {@code
 * umbra-manager} thread; the deciders, {@link dev.umbra.shadow.manager.Policy} and {@link
 * dev.umbra.shadow.manager.JvmMemory} are pure; the log is thread-safe.
 */
package dev.umbra.shadow.manager;
