package dev.umbra.shadow.manager;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One decision of the resource manager, with the inputs it was made from and what became of it;
 * or one action of the action policy on an anomaly (model {@code act}: a scale-up, a rollback of
 * the {@code STATE}, an alert about {@code NONE}), kept in the same audit log.
 * Amounts are in the resource's unit (cores, bytes, or bytes per second for disk bandwidth); NaN
 * where unknown, and {@code current} is NaN when no limit is set.
 *
 * @param id 1, 2, 3, … in the order decided
 * @param primaryId the primary
 * @param resource what was decided about
 * @param at when
 * @param action what was decided
 * @param current the allocation in effect before
 * @param desired what the manager wanted (equal to current for a hold)
 * @param predicted the forecast peak over the lead time at the configured quantile
 * @param probability P(demand &gt; current) from the forecast
 * @param usage what the primary used last
 * @param allocator the allocator plugin's name
 * @param applied whether the platform now runs with {@code desired}
 * @param target where it was applied (pid, cgroup, pod), for the audit
 * @param model the forecast model
 * @param reason a sentence with the numbers: why, and what the platform said
 */
public record Decision(
    long id, String primaryId, Resource resource, Instant at, Action action, double current, double desired,
    double predicted, double probability, double usage, String allocator, boolean applied, String target,
    String model, String reason) {

  /** What a decision is about. */
  public enum Resource {
    /** CPU quota, cores. */
    CPU,
    /** Memory limit of the whole target, bytes. */
    MEMORY,
    /** The JVM's soft heap bound and heap free ratios, bytes. */
    HEAP,
    /** Disk read bandwidth of the whole target, bytes per second (with {@code manage-io}). */
    DISK_READ,
    /** Disk write bandwidth of the whole target, bytes per second (with {@code manage-io}). */
    DISK_WRITE,
    /** The primary's registered checkpointable state: what a rollback restores. */
    STATE,
    /** Nothing on the primary: an anomaly only alerted on. */
    NONE;

    /** How the API, the dashboard and the command line name it: {@code cpu}, {@code disk_read}, … */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What the manager decided. */
  public enum Action {
    /** Nothing to change. */
    HOLD,
    /** More, before the demand arrives. */
    SCALE_UP,
    /** Less, after the cooldown and outside the hysteresis band. */
    SCALE_DOWN,
    /** Mode recommend: what auto would have applied; nothing applied. */
    RECOMMEND,
    /** The change was refused (bounds, below usage, target gone, allocator error); nothing applied. */
    REFUSED,
    /** The action policy rolls the primary back on an anomaly (applied: restored). */
    ROLLBACK,
    /** The action policy only alerted on an anomaly; the reason says why it did no more. */
    ALERT
  }

  public Decision {
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(allocator, "allocator");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(reason, "reason");
  }
}
