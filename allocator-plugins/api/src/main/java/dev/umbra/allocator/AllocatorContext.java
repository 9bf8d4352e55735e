package dev.umbra.allocator;

import dev.umbra.units.Durations;
import dev.umbra.units.Sizes;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a host hands a provider when it opens an allocator: the plugin's settings (strings from the
 * configuration section of that plugin), a clock, and services the host provides (for example a
 * channel to the primary's agent for the {@code jvm} plugin), so plugins need not depend on the
 * shadow.
 *
 * <p>Immutable and thread-safe. Typed getters throw {@link AllocatorException} with reason {@link
 * AllocatorException.Reason#INVALID_REQUEST} naming the key and value of a bad setting.
 *
 * @param settings the plugin's settings, key to value; copied
 * @param services host services by the type they are looked up with; copied, each value an
 *     instance of its key
 * @param clock the time source for anything decided by time
 */
public record AllocatorContext(Map<String, String> settings, Map<Class<?>, Object> services, Clock clock) {

  /**
   * Validates and copies.
   *
   * @param settings see the record component
   * @param services see the record component
   * @param clock see the record component
   * @throws NullPointerException if a component, key or value is null
   * @throws IllegalArgumentException if a service is not an instance of its key
   */
  public AllocatorContext {
    settings = Map.copyOf(settings);
    services = Map.copyOf(services);
    Objects.requireNonNull(clock, "clock");
    for (Map.Entry<Class<?>, Object> service : services.entrySet()) {
      if (!service.getKey().isInstance(service.getValue())) {
        throw new IllegalArgumentException(
            "service " + service.getValue() + " is not a " + service.getKey().getName());
      }
    }
  }

  /**
   * Returns a context with settings only and the system clock.
   *
   * @param settings the plugin's settings
   * @return the context
   */
  public static AllocatorContext of(Map<String, String> settings) {
    return new AllocatorContext(settings, Map.of(), Clock.systemUTC());
  }

  /**
   * Returns a copy that also offers a service.
   *
   * @param type the type the plugin will look it up with
   * @param service the implementation
   * @param <T> the service type
   * @return the copy
   */
  public <T> AllocatorContext withService(Class<T> type, T service) {
    Map<Class<?>, Object> more = new LinkedHashMap<>(services);
    more.put(type, service);
    return new AllocatorContext(settings, more, clock);
  }

  /**
   * Returns a copy with another clock.
   *
   * @param other the clock
   * @return the copy
   */
  public AllocatorContext withClock(Clock other) {
    return new AllocatorContext(settings, services, other);
  }

  /**
   * Looks up a host service.
   *
   * @param type the service type
   * @param <T> the service type
   * @return the service, or empty if the host offers none of that type
   */
  public <T> Optional<T> service(Class<T> type) {
    return Optional.ofNullable(services.get(type)).map(type::cast);
  }

  /**
   * Returns a setting.
   *
   * @param key the key
   * @return its value, or empty if not set
   */
  public Optional<String> setting(String key) {
    return Optional.ofNullable(settings.get(key)).map(String::strip);
  }

  /**
   * Returns a setting or a default.
   *
   * @param key the key
   * @param fallback the value when the key is not set
   * @return the value
   */
  public String setting(String key, String fallback) {
    return setting(key).orElse(fallback);
  }

  /**
   * Returns a boolean setting ({@code true} or {@code false}, any case).
   *
   * @param key the key
   * @param fallback the value when the key is not set
   * @return the value
   * @throws AllocatorException if the value is neither
   */
  public boolean booleanSetting(String key, boolean fallback) throws AllocatorException {
    Optional<String> value = setting(key);
    if (value.isEmpty()) {
      return fallback;
    }
    if (value.get().equalsIgnoreCase("true")) {
      return true;
    }
    if (value.get().equalsIgnoreCase("false")) {
      return false;
    }
    throw bad(key, value.get(), "true or false");
  }

  /**
   * Returns a decimal setting.
   *
   * @param key the key
   * @param fallback the value when the key is not set
   * @return the value, finite
   * @throws AllocatorException if the value is not a finite number
   */
  public double doubleSetting(String key, double fallback) throws AllocatorException {
    Optional<String> value = setting(key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      double parsed = Double.parseDouble(value.get());
      if (Double.isFinite(parsed)) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(key, value.get(), "a finite number");
  }

  /**
   * Returns a byte-size setting in Umbra's size grammar ({@link Sizes}): a number, whole or
   * decimal, with an optional suffix {@code k}, {@code m}, {@code g}, {@code t} (powers of 1024,
   * any case, an optional trailing {@code i}, {@code b} or {@code ib}): {@code 512m},
   * {@code 1.5g}, {@code 2GiB}, {@code 1048576}.
   *
   * @param key the key
   * @param fallback the value when the key is not set
   * @return the value in bytes, &gt;= 0
   * @throws AllocatorException if the value is not a size, is negative or overflows
   */
  public long bytesSetting(String key, long fallback) throws AllocatorException {
    Optional<String> value = setting(key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Sizes.parse("setting " + key, value.get());
    } catch (IllegalArgumentException e) {
      throw new AllocatorException(AllocatorException.Reason.INVALID_REQUEST, e.getMessage());
    }
  }

  /**
   * Returns a duration setting in Umbra's duration grammar ({@link Durations}): a number, whole
   * or decimal, with {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 10s},
   * {@code 1.5m}, {@code 1h}), or ISO-8601 ({@code PT10S}).
   *
   * @param key the key
   * @param fallback the value when the key is not set
   * @return the value, not negative
   * @throws AllocatorException if the value is not a duration, is negative or overflows
   */
  public Duration durationSetting(String key, Duration fallback) throws AllocatorException {
    Optional<String> value = setting(key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Durations.parse("setting " + key, value.get());
    } catch (IllegalArgumentException e) {
      throw new AllocatorException(AllocatorException.Reason.INVALID_REQUEST, e.getMessage());
    }
  }

  private static AllocatorException bad(String key, String value, String expected) {
    return new AllocatorException(AllocatorException.Reason.INVALID_REQUEST,
        "setting " + key + "='" + value + "' is not " + expected);
  }
}
