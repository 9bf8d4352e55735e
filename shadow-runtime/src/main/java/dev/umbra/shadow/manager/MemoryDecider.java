package dev.umbra.shadow.manager;

import dev.umbra.shadow.config.ShadowConfig;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a primary's memory limit, bytes: the {@link Policy} over the forecast peak of {@code
 * mem.rss}, never below usage + 5 %; for a JVM, never below its need ({@link JvmMemory}) nor the
 * RSS plus the largest rise of the RSS seen within a reaction time, and never above MaxHeapSize
 * plus off-heap; no scale-down while the RSS grows. Pure: no I/O, no clock, no allocator.
 */
final class MemoryDecider {
  static final String UNIT = "bytes";
  /** Seconds of RSS a scale-down looks back at for growth. */
  static final int GROWTH_WINDOW = 30;
  /** Growth of the RSS peak over {@link #GROWTH_WINDOW} that holds a memory scale-down. */
  static final double GROWING = 0.02;

  private final Policy policy;
  private final int reactionSeconds;

  /**
   * @param policy within {@code manage-memory-min} and {@code manage-memory-max}
   * @param reactionSeconds how long the loop takes to react to a rise: the lead plus the period
   */
  MemoryDecider(Policy policy, int reactionSeconds) {
    this.policy = Objects.requireNonNull(policy, "policy");
    if (reactionSeconds < 0) {
      throw new IllegalArgumentException("reactionSeconds must be >= 0, was " + reactionSeconds);
    }
    this.reactionSeconds = reactionSeconds;
  }

  static MemoryDecider of(ShadowConfig.Manage config) {
    return new MemoryDecider(Policy.of(config, config.memoryMin(), config.memoryMax()),
        (int) (config.lead().toSeconds() + config.every().toSeconds()));
  }

  /**
   * What the memory decision sees besides the {@link Demand}.
   *
   * @param rssHistory the RSS over the forecast's history window (the largest rise is taken from it)
   * @param rssRecent the RSS over the last {@link #GROWTH_WINDOW} seconds
   * @param jvm the JVM's need, empty when its heap series are missing
   * @param maxHeapBytes the JVM's MaxHeapSize, 0 when unknown
   */
  record Input(Demand demand, double[] rssHistory, double[] rssRecent, Optional<JvmMemory> jvm, long maxHeapBytes) {
    Input {
      Objects.requireNonNull(demand, "demand");
      Objects.requireNonNull(rssHistory, "rssHistory");
      Objects.requireNonNull(rssRecent, "rssRecent");
      Objects.requireNonNull(jvm, "jvm");
    }
  }

  Policy.Plan decide(Input in) {
    Demand d = in.demand();
    if (d.forecast().isEmpty()) {
      return policy.planWithoutForecast(true, d.current(), d.usage(), d.notReady(), UNIT);
    }
    // A JVM's RSS can jump faster than this loop reacts (a live set growing by 80 MiB did in
    // 0.1 s, and the primary was OOM-killed at a limit 38 MiB above its RSS): the limit keeps
    // room above the RSS for the largest rise seen within a reaction time (lead + period).
    double rise = Windows.largestRise(in.rssHistory(), reactionSeconds);
    double floor = in.jvm().map(m -> Math.max(m.needBytes(), m.rssBytes() + rise)).orElse(0.0);
    // A JVM's heap cannot outgrow MaxHeapSize: its RSS tops out near that plus off-heap, whatever
    // a forecast extrapolated from its growth says.
    double ceiling = in.maxHeapBytes() > 0 && in.jvm().isPresent()
        ? in.maxHeapBytes() + in.jvm().get().offHeapBytes() : Double.POSITIVE_INFINITY;
    Policy.Plan plan = d.explained(policy.plan(new Policy.Inputs(true, d.current(), d.usage(), d.forecast().get(),
        floor, d.now(), d.lastChange(), ceiling), UNIT));
    if (in.jvm().isPresent()) {
      JvmMemory m = in.jvm().get();
      plan = new Policy.Plan(plan.action(), plan.desired(), plan.predicted(), plan.probability(), plan.reason()
          + String.format(Locale.ROOT, " [JVM: live set %s, off-heap %s, room for growth %s (the largest "
              + "rise of the RSS within %d s in the last %d s)]", Policy.fmt(m.liveSetBytes(), UNIT),
              Policy.fmt(m.offHeapBytes(), UNIT), Policy.fmt(rise, UNIT), reactionSeconds, in.rssHistory().length));
    }
    return heldWhileGrowing(plan, d.current().orElse(Double.NaN), in.rssRecent());
  }

  /**
   * A memory scale-down waits while the RSS is still growing (the peak of the newest third of
   * {@link #GROWTH_WINDOW} more than {@link #GROWING} above that of the oldest third): a JVM
   * growing into its heap takes memory faster than a 2 s loop can give it back, and a forecast
   * from a short, rising history (the VPA fallback's) lags the growth; the memory run was
   * OOM-killed so, 30 s after start, its limit lowered to 467 MiB while the RSS rose 428 -> 459 MiB.
   */
  static Policy.Plan heldWhileGrowing(Policy.Plan plan, double current, double[] rss) {
    if (plan.action() != Decision.Action.SCALE_DOWN || !Windows.growing(rss, GROWING)) {
      return plan;
    }
    return new Policy.Plan(Decision.Action.HOLD, current, plan.predicted(), plan.probability(), "would scale down ("
        + plan.reason() + ") but the RSS is still growing: " + Policy.fmt(Windows.oldestThirdPeak(rss), UNIT) + " -> "
        + Policy.fmt(Windows.newestThirdPeak(rss), UNIT) + " in " + rss.length + " s");
  }
}
