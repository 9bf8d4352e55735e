package dev.umbra.allocator.log;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.AllocatorProvider;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Provides the {@code log} allocator. Settings: {@code baselineCpu} (cores), {@code
 * baselineMemory} and {@code baselineHeap} (sizes such as 512m), {@code baselineDiskRead} and
 * {@code baselineDiskWrite} (bytes per second, sizes such as 50m), the allocation a target is
 * assumed to have before anything is recorded (unset: none); {@code history} (decisions kept in
 * memory, default 1000).
 */
public final class LogAllocatorProvider implements AllocatorProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public LogAllocatorProvider() {}

  /** @return {@code log} */
  @Override
  public String name() {
    return "log";
  }

  /**
   * Opens the allocator; it runs anywhere.
   *
   * @throws AllocatorException for a bad setting
   */
  @Override
  public Allocator open(AllocatorContext context) throws AllocatorException {
    double history = context.doubleSetting("history", 1000);
    if (history < 1 || history > 1_000_000 || history != Math.rint(history)) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting history='" + context.setting("history").orElse("")
          + "' is not a whole number 1-1000000");
    }
    Allocation baseline;
    try {
      baseline = new Allocation(
          context.setting("baselineCpu").isPresent() ? OptionalDouble.of(context.doubleSetting("baselineCpu", 0)) : OptionalDouble.empty(),
          bytes(context, "baselineMemory"), bytes(context, "baselineHeap"), bytes(context, "baselineDiskRead"),
          bytes(context, "baselineDiskWrite"));
    } catch (IllegalArgumentException e) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "bad baseline setting: " + e.getMessage(), e);
    }
    return new LogAllocator(context.clock(), baseline, (int) history);
  }

  private static OptionalLong bytes(AllocatorContext context, String key) throws AllocatorException {
    return context.setting(key).isPresent() ? OptionalLong.of(context.bytesSetting(key, 0)) : OptionalLong.empty();
  }
}
