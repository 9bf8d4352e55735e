package dev.umbra.shadow.action;

import java.util.Objects;

/**
 * One action taken (or not) on an anomaly, as the audit keeps it; the manager's audit log stores it
 * beside its own decisions. Amounts in the subject's unit (cores, bytes), NaN where none.
 *
 * @param primaryId the primary acted on
 * @param subject what the action is about
 * @param outcome what was done
 * @param current the allocation before (scale-ups)
 * @param desired the allocation asked for (scale-ups)
 * @param applied whether it took effect (a rollback that restored, a limit the platform runs with)
 * @param by the allocator plugin or checkpoint engine that carried it out; "-" for none
 * @param where the target (pid, cgroup, pod, checkpoint), for the audit; "-" for none
 * @param reason the anomaly, the rule, and what happened, in one sentence with the numbers
 */
public record ActionRecord(String primaryId, Subject subject, Outcome outcome, double current, double desired,
    boolean applied, String by, String where, String reason) {

  /** What an action is about. */
  public enum Subject {
    CPU,
    MEMORY,
    /** The primary's registered checkpointable state. */
    STATE,
    /** Nothing on the primary: an alert. */
    NONE
  }

  /** What was done. */
  public enum Outcome { ALERT, SCALE_UP, ROLLBACK, REFUSED }

  public ActionRecord {
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(reason, "reason");
  }

  /** A record without amounts (alerts, rollbacks, refusals before anything was read). */
  public static ActionRecord of(String primaryId, Subject subject, Outcome outcome, boolean applied, String by,
      String reason) {
    return new ActionRecord(primaryId, subject, outcome, Double.NaN, Double.NaN, applied, by, "-", reason);
  }

  static Subject subjectOf(ActionPolicy.Resource resource) {
    return resource == ActionPolicy.Resource.CPU ? Subject.CPU : Subject.MEMORY;
  }
}
