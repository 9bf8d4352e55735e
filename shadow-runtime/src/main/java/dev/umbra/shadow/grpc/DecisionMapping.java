package dev.umbra.shadow.grpc;

import dev.umbra.proto.v1.DecisionAction;
import dev.umbra.shadow.manager.Decision;

/** The resource manager's decisions on the wire. */
public final class DecisionMapping {
  private DecisionMapping() {}

  public static dev.umbra.proto.v1.Decision toProto(Decision d) {
    return dev.umbra.proto.v1.Decision.newBuilder()
        .setDecisionId(Long.toString(d.id()))
        .setPrimaryId(d.primaryId())
        .setResource(d.resource().label())
        .setTimeUnixMs(d.at().toEpochMilli())
        .setAction(switch (d.action()) {
          case HOLD -> DecisionAction.DECISION_ACTION_HOLD;
          case SCALE_UP -> DecisionAction.DECISION_ACTION_SCALE_UP;
          case SCALE_DOWN -> DecisionAction.DECISION_ACTION_SCALE_DOWN;
          case RECOMMEND -> DecisionAction.DECISION_ACTION_RECOMMEND;
          case REFUSED -> DecisionAction.DECISION_ACTION_REFUSED;
          case ROLLBACK -> DecisionAction.DECISION_ACTION_ROLLBACK;
          case ALERT -> DecisionAction.DECISION_ACTION_ALERT;
        })
        .setCurrent(finite(d.current()))
        .setDesired(finite(d.desired()))
        .setPredicted(finite(d.predicted()))
        .setProbability(finite(d.probability()))
        .setUsage(finite(d.usage()))
        .setAllocator(d.allocator())
        .setApplied(d.applied())
        .setReason(d.reason())
        .setTarget(d.target())
        .setModel(d.model())
        .build();
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }
}
