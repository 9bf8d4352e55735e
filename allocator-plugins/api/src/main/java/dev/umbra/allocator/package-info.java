/**
 * The allocator SPI: how the shadow's resource manager reads and changes the resources a primary
 * JVM has, without knowing the platform.
 *
 * <p>An {@link dev.umbra.allocator.AllocatorProvider} is found with {@link java.util.ServiceLoader}
 * (each plugin lists it in {@code META-INF/services/dev.umbra.allocator.AllocatorProvider}) and
 * chosen by its {@link dev.umbra.allocator.AllocatorProvider#name() name} in configuration; {@link
 * dev.umbra.allocator.Allocators#load} does both. The provider opens an {@link
 * dev.umbra.allocator.Allocator} for a {@link dev.umbra.allocator.AllocatorContext} (the plugin's
 * settings and the services its host hands it). The allocator reads the {@link
 * dev.umbra.allocator.Allocation} in effect for a {@link dev.umbra.allocator.Target} and applies a
 * desired one idempotently, answering with an {@link dev.umbra.allocator.ApplyResult} that says
 * whether the change took effect. What a caller can act on (a bad request, a target that vanished,
 * a permission missing, a platform unreachable) is an {@link dev.umbra.allocator.AllocatorException}
 * with a reason a person can read; in that case nothing was applied.
 *
 * <p>Units: CPU in cores (1.0 = one CPU's worth of time per second), memory and heap in bytes, disk
 * read and write bandwidth in bytes per second.
 *
 * <p>Threads: the resource manager calls allocators from its own thread; every allocator must be
 * safe to call from several threads. This module depends on nothing but {@code umbra-units} (the
 * JDK-only grammar of sizes and durations its settings use, {@link dev.umbra.units}) and grows by
 * default methods only.
 */
package dev.umbra.allocator;
