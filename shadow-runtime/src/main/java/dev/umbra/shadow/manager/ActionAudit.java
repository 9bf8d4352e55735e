package dev.umbra.shadow.manager;

import dev.umbra.shadow.action.ActionRecord;
import dev.umbra.shadow.action.Responder;
import java.time.Clock;

/**
 * The action policy's records in the manager's audit log, beside its own decisions: so {@code
 * ListDecisions}, {@code umbra decisions}, the dashboard and the events topic carry them too. A
 * rollback is a decision about the {@code state} resource, an alert one about {@code none}.
 */
public final class ActionAudit implements Responder.Audit {
  private final DecisionLog log;
  private final Clock clock;

  public ActionAudit(DecisionLog log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  @Override
  public void record(ActionRecord r) {
    Decision.Resource resource = switch (r.subject()) {
      case CPU -> Decision.Resource.CPU;
      case MEMORY -> Decision.Resource.MEMORY;
      case STATE -> Decision.Resource.STATE;
      case NONE -> Decision.Resource.NONE;
    };
    Decision.Action action = switch (r.outcome()) {
      case ALERT -> Decision.Action.ALERT;
      case SCALE_UP -> Decision.Action.SCALE_UP;
      case ROLLBACK -> Decision.Action.ROLLBACK;
      case REFUSED -> Decision.Action.REFUSED;
    };
    log.record(id -> new Decision(id, r.primaryId(), resource, clock.instant(), action, r.current(), r.desired(),
        Double.NaN, Double.NaN, Double.NaN, r.by(), r.applied(), r.where(), MODEL, r.reason()));
  }

  /** The {@code model} of an action's decision: the action policy, not a forecast. */
  public static final String MODEL = "act";
}
