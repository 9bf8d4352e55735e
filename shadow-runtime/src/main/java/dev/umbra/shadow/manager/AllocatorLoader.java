package dev.umbra.shadow.manager;

import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.Allocators;
import dev.umbra.allocator.jvm.JvmFlagsChannel;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Opens allocator plugins by name through the SPI ({@link Allocators}), each with the settings the
 * caller passes; the {@code jvm} plugin gets the agents' streams as its {@link JvmFlagsChannel}.
 * A plugin that cannot be opened is no exception here: the result says why, so the shadow keeps
 * running and every decision through it is refused with the reason. Thread-safe.
 */
final class AllocatorLoader {
  private final ClassLoader classLoader;
  private final Clock clock;
  private final Optional<JvmFlagsChannel> channel;

  /**
   * @param classLoader where the plugins' {@code META-INF/services} entries are looked up
   * @param clock the plugins' clock
   * @param channel how the {@code jvm} plugin reaches the agents, empty where none is needed
   */
  AllocatorLoader(ClassLoader classLoader, Clock clock, Optional<JvmFlagsChannel> channel) {
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.channel = Objects.requireNonNull(channel, "channel");
  }

  /** An allocator by name, or why it could not be opened ({@code failure}, empty when it was). */
  record Loaded(String name, Optional<Allocator> allocator, String failure) {
    Loaded {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(allocator, "allocator");
      Objects.requireNonNull(failure, "failure");
    }
  }

  /** Opens the plugin {@code name} with {@code settings} (its {@code allocator-options}). */
  Loaded load(String name, Map<String, String> settings) {
    AllocatorContext context = new AllocatorContext(settings, Map.of(), clock);
    if (channel.isPresent()) {
      context = context.withService(JvmFlagsChannel.class, channel.get());
    }
    try {
      return new Loaded(name, Optional.of(Allocators.load(name, context, classLoader)), "");
    } catch (AllocatorException e) {
      return new Loaded(name, Optional.empty(), "allocator '" + name + "' (" + e.reason() + "): " + e.getMessage());
    } catch (RuntimeException e) {
      return new Loaded(name, Optional.empty(), "allocator '" + name + "' failed to open: " + e);
    }
  }
}
