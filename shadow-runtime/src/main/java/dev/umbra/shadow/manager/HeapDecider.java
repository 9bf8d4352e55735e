package dev.umbra.shadow.manager;

import dev.umbra.allocator.jvm.GarbageCollector;
import dev.umbra.allocator.jvm.JvmFacts;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import dev.umbra.shadow.manager.Decision.Action;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a JVM's heap bound, bytes: raise the soft bound when the live set grows past it; shrink
 * it (lower the bound, set the heap free ratios, request a GC) so that the JVM returns memory and
 * the memory limit can follow. Pure: no I/O, no clock, no allocator; the state between ticks (the
 * last shrink, a {@link Reclaim}) is passed in and handed back.
 *
 * <p>A shrink is also how the live set is measured. G1 leaves the garbage of a live set that
 * shrank in old regions that no young collection visits, and starts no concurrent cycle while
 * the old generation stays under its threshold, so the heap's troughs can stay far above the
 * live set for as long as the JVM runs (measured: 226 MiB after every GC for a live set of
 * 40 MiB; nothing in the heap series tells dead old objects from live ones). So the manager
 * shrinks on a schedule, not only when the JVM visibly holds more than it needs: once a
 * cooldown has passed since the primary was first seen or last shrunk, and never while its RSS
 * is growing. On G1 before JDK 26 the shrink is a full collection ({@code System.gc()}), which
 * shows the real live set in the troughs and returns the memory above the free ratio. Each
 * shrink is judged {@link #RECLAIM_SETTLE} later against the RSS and live set before it: one
 * that returned memory or showed a smaller live set keeps the cooldown as the pace (a live set
 * that is falling is measured again soon); one that returned less than {@link #RECLAIM_GAIN}
 * (while the live set did not grow) doubles it, up to {@link #RECLAIM_BACKOFF_MAX}, so a JVM
 * that needs what it holds is collected rarely; with {@code manage-jvm=false}, never.
 */
final class HeapDecider {
  static final String UNIT = "bytes";
  static final String MODEL = "live-set";
  /**
   * The {@code jvm} plugin's settings for the heap this decider shrinks: after a shrink the JVM
   * keeps 10 to 30 % of its heap free (the JDK's defaults, 40 and 70 %, would keep most of what
   * it holds) and collects, so the memory above that comes back.
   */
  static final Map<String, String> JVM_SETTINGS =
      Map.of("minHeapFreeRatio", "10", "maxHeapFreeRatio", "30", "gcOnShrink", "true");
  /** How long after a heap shrink its effect on the RSS is judged. */
  static final Duration RECLAIM_SETTLE = Duration.ofSeconds(10);
  /** The least fall of the RSS that counts as memory returned. */
  static final double RECLAIM_GAIN = 0.1;
  /** The least fall of the live set, bytes, that makes a shrink worth repeating soon. */
  static final double RECLAIM_LIVE_MIN = 16 << 20;
  /** The longest wait between heap shrinks that returned nothing (the wait doubles each time). */
  static final Duration RECLAIM_BACKOFF_MAX = Duration.ofMinutes(16);

  private final double band;
  private final Duration cooldown;

  /**
   * @param band the hysteresis band ({@code manage-band}): how far below the bound a shrink goes
   *     on a collector that ignores it
   * @param cooldown the least time between shrinks ({@code manage-cooldown}), the pace after one
   *     that returned memory
   */
  HeapDecider(double band, Duration cooldown) {
    if (!(band >= 0 && band < 1)) {
      throw new IllegalArgumentException("band must be in [0, 1), was " + band);
    }
    this.band = band;
    this.cooldown = Objects.requireNonNull(cooldown, "cooldown");
  }

  static HeapDecider of(ShadowConfig.Manage config) {
    return new HeapDecider(config.band(), config.cooldown());
  }

  /**
   * A heap shrink asked of a primary: when, its RSS and live set then, how long to wait before the
   * next one (the cooldown after one that returned memory, doubling after each that did not), and
   * whether it has been judged yet.
   */
  record Reclaim(Instant at, double rssBefore, double liveBefore, Duration pause, boolean judged) {}

  /**
   * What the heap decision sees.
   *
   * @param jvm the JVM's need and RSS
   * @param heapNow the heap bound in force, bytes ({@code Long.MAX_VALUE} when none)
   * @param maxHeapBytes MaxHeapSize, 0 when unknown
   * @param ignoresBound whether the collector ignores SoftMaxHeapSize
   * @param rssRecent the RSS over the last {@link MemoryDecider#GROWTH_WINDOW} seconds
   * @param now the decision time
   * @param lastChange the heap's last change, or when the primary was first seen
   * @param reclaim the last shrink, if any
   */
  record Input(JvmMemory jvm, double heapNow, long maxHeapBytes, boolean ignoresBound, double[] rssRecent,
      Instant now, Optional<Instant> lastChange, Optional<Reclaim> reclaim) {
    Input {
      Objects.requireNonNull(jvm, "jvm");
      Objects.requireNonNull(rssRecent, "rssRecent");
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(lastChange, "lastChange");
      Objects.requireNonNull(reclaim, "reclaim");
    }
  }

  /**
   * The plan and the shrink state to keep: with a hold at once (a shrink just judged), with a
   * shrink only once the allocator took it; empty to keep the state as it was.
   */
  record Step(Policy.Plan plan, Optional<Reclaim> reclaim) {}

  Step decide(Input in) {
    JvmMemory m = in.jvm();
    double heapNow = in.heapNow();
    Instant now = in.now();
    double maxHeap = in.maxHeapBytes() > 0 ? in.maxHeapBytes() : Double.MAX_VALUE;
    double desired = Math.min(maxHeap, m.heapTargetBytes());
    if (desired >= heapNow && in.ignoresBound()) {
      // the troughs (which may be old garbage) ask for all of a heap whose bound the collector
      // ignores anyway: a shrink still collects, and only the collection tells the live set
      desired = heapNow * (1 - band);
    }
    String facts = String.format(Locale.ROOT, "live set %s, off-heap %s, need %s, RSS %s",
        Policy.fmt(m.liveSetBytes(), UNIT), Policy.fmt(m.offHeapBytes(), UNIT),
        Policy.fmt(m.needBytes(), UNIT), Policy.fmt(m.rssBytes(), UNIT));
    Reclaim reclaim = in.reclaim().orElse(null);
    if (reclaim != null && !reclaim.judged() && !now.isBefore(reclaim.at().plus(RECLAIM_SETTLE))) {
      return judged(in, reclaim, facts);
    }
    boolean growing = Windows.growing(in.rssRecent(), MemoryDecider.GROWING);
    Instant nextReclaim = reclaim == null ? in.lastChange().orElse(now).plus(cooldown)
        : reclaim.at().plus(reclaim.judged() ? reclaim.pause() : RECLAIM_SETTLE);
    boolean cooled = in.lastChange().isEmpty() || !now.isBefore(in.lastChange().get().plus(cooldown));
    boolean due = cooled && !now.isBefore(nextReclaim) && !growing;
    Action action;
    if (desired > heapNow * (1 + Policy.UP_BAND)) {
      action = Action.SCALE_UP;
    } else if (due && desired < heapNow) {
      action = Action.SCALE_DOWN;
    } else {
      String waiting = growing ? "; no shrink while the RSS grows"
          : now.isBefore(nextReclaim) || !cooled ? "; next shrink not before "
              + nextReclaim.truncatedTo(ChronoUnit.SECONDS) : "";
      return new Step(hold(in, facts + waiting), Optional.empty());
    }
    boolean holdsTooMuch = m.rssBytes() > m.needBytes() * (1 + band);
    String reason = facts + ": heap bound " + Policy.fmt(heapNow, UNIT) + " -> " + Policy.fmt(desired, UNIT)
        + (action == Action.SCALE_UP ? ""
            : holdsTooMuch ? " so the JVM returns what it holds beyond its need"
            : " to check the live set (troughs overstate it while old garbage stays) and return what is above it");
    Policy.Plan plan = new Policy.Plan(action, desired, m.heapTargetBytes(), Double.NaN, reason);
    Optional<Reclaim> shrink = action == Action.SCALE_DOWN
        ? Optional.of(new Reclaim(now, m.rssBytes(), m.liveSetBytes(), reclaim == null ? cooldown : reclaim.pause(), false))
        : Optional.empty();
    return new Step(plan, shrink);
  }

  /** Judges a shrink {@link #RECLAIM_SETTLE} after it: did the RSS or the live set fall? Sets the next pause. */
  private Step judged(Input in, Reclaim reclaim, String facts) {
    JvmMemory m = in.jvm();
    boolean returned = m.rssBytes() <= reclaim.rssBefore() * (1 - RECLAIM_GAIN);
    boolean liveFell = m.liveSetBytes() <= reclaim.liveBefore() * (1 - RECLAIM_GAIN)
        && reclaim.liveBefore() - m.liveSetBytes() >= RECLAIM_LIVE_MIN; // not a small heap's wobble
    boolean liveGrew = m.liveSetBytes() > reclaim.liveBefore() * (1 + RECLAIM_GAIN);
    Duration pause = returned || liveFell ? cooldown
        : liveGrew ? reclaim.pause() : min(RECLAIM_BACKOFF_MAX, reclaim.pause().multipliedBy(2));
    String outcome = returned ? "returned memory"
        : liveFell ? "showed a smaller live set (" + Policy.fmt(reclaim.liveBefore(), UNIT) + " -> "
            + Policy.fmt(m.liveSetBytes(), UNIT) + ") but returned little"
        : liveGrew ? "returned little, but the live set grew meanwhile"
        : "returned less than " + Math.round(RECLAIM_GAIN * 100) + " %";
    Policy.Plan plan = hold(in, facts + "; the heap shrink " + Duration.between(reclaim.at(), in.now()).toSeconds()
        + " s ago " + outcome + ": RSS " + Policy.fmt(reclaim.rssBefore(), UNIT) + " -> "
        + Policy.fmt(m.rssBytes(), UNIT) + "; the next in " + pause.toSeconds() + " s at the earliest");
    return new Step(plan, Optional.of(new Reclaim(reclaim.at(), reclaim.rssBefore(), reclaim.liveBefore(), pause, true)));
  }

  private static Policy.Plan hold(Input in, String reason) {
    return new Policy.Plan(Action.HOLD, in.heapNow(), in.jvm().heapTargetBytes(), Double.NaN, reason);
  }

  /** Whether the primary's collector ignores SoftMaxHeapSize (G1 before JDK 26, Parallel, Serial). */
  static boolean ignoresHeapBound(PrimaryIdentity id) {
    try {
      return !GarbageCollector.fromMxBeanNames(id.jvm().garbageCollectors())
          .honoursSoftMaxHeapSize(JvmFacts.featureVersion(id.jvm().javaVersion()));
    } catch (RuntimeException e) {
      return false; // an unknown version or collector: keep to the troughs
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
