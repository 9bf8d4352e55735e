/**
 * The one grammar of durations ({@link dev.umbra.units.Durations}) and byte sizes ({@link
 * dev.umbra.units.Sizes}) that every Umbra setting is written in: the agent's options, the
 * shadow's keys, options and config file, the resource manager's and the allocator plugins'
 * settings, backtest horizons. The grammar is in {@code docs/configuration.md}, "Durations and
 * sizes".
 *
 * <p>A module of its own, not a package of {@code allocator-api} or the shadow: the agent must
 * not carry the allocator SPI (it shades and relocates this module, a few kilobytes, under
 * {@code dev.umbra.agent.shaded.units}), and the allocator API, which third-party plugins compile
 * against, must not pull in anything heavier. So this module has no dependencies, JDK only, and
 * holds nothing but the two parsers.
 *
 * <p>Errors are an {@link java.lang.IllegalArgumentException} whose message is one line naming
 * the key and the value and giving an example; callers wrap it in their own checked exception
 * without adding the key again. Stateless; safe from any thread.
 */
package dev.umbra.units;
