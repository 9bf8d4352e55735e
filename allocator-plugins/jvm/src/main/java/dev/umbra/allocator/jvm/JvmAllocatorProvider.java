package dev.umbra.allocator.jvm;

import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.AllocatorProvider;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Provides the {@code jvm} allocator. Needs a {@link JvmFlagsChannel} service from the host.
 *
 * <p>Settings: {@code minHeap} (default 16m), {@code minHeapFreeRatio} and {@code
 * maxHeapFreeRatio} (0-100, min &lt;= max; unset leaves the JVM's), {@code gcOnShrink} (default
 * true: request a GC when lowering SoftMaxHeapSize, so memory is returned sooner), {@code timeout}
 * (default 10s).
 */
public final class JvmAllocatorProvider implements AllocatorProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public JvmAllocatorProvider() {}

  /** @return {@code jvm} */
  @Override
  public String name() {
    return "jvm";
  }

  /**
   * Opens the allocator over the host's channel.
   *
   * @throws AllocatorException if the host offers no channel or a setting is bad
   */
  @Override
  public Allocator open(AllocatorContext context) throws AllocatorException {
    JvmFlagsChannel channel = context.service(JvmFlagsChannel.class).orElseThrow(() -> new AllocatorException(
        Reason.UNAVAILABLE_HERE, "the host offers no JvmFlagsChannel: the jvm allocator runs inside the shadow, "
            + "which reaches the primary's agent"));
    OptionalInt min = ratio(context, "minHeapFreeRatio");
    OptionalInt max = ratio(context, "maxHeapFreeRatio");
    if (min.isPresent() && max.isPresent() && min.getAsInt() > max.getAsInt()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting minHeapFreeRatio=" + min.getAsInt()
          + " is above maxHeapFreeRatio=" + max.getAsInt());
    }
    Duration timeout = context.durationSetting("timeout", Duration.ofSeconds(10));
    if (timeout.isZero()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting timeout must be > 0");
    }
    return new JvmFlagsAllocator(channel, new JvmFlagsAllocator.Settings(context.bytesSetting("minHeap", 16L << 20), min, max,
        context.booleanSetting("gcOnShrink", true), timeout));
  }

  private static OptionalInt ratio(AllocatorContext context, String key) throws AllocatorException {
    if (context.setting(key).isEmpty()) {
      return OptionalInt.empty();
    }
    double value = context.doubleSetting(key, 0);
    if (value < 0 || value > 100 || value != Math.rint(value)) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting " + key + "='" + context.setting(key).get()
          + "' is not a whole percentage 0-100");
    }
    return OptionalInt.of((int) value);
  }
}
