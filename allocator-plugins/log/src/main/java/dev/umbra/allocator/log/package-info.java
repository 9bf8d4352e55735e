/**
 * The {@code log} allocator: records each decision (through {@link java.lang.System.Logger}, so no
 * logging dependency) and applies nothing. It keeps the last recorded allocation of each target in
 * memory, starting from configured baselines, so a dry run ("recommend" mode) has a current
 * allocation to compare forecasts with.
 *
 * <p>Threads: none of its own; thread-safe (one lock per allocator).
 */
package dev.umbra.allocator.log;
