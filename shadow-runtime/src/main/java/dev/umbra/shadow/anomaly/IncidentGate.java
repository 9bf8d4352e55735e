package dev.umbra.shadow.anomaly;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Publishes an incident of the band detectors ({@link PrimaryDetector}: the JVM evidence of band,
 * persistence, repayment, kind and onset) only once the surprise score agrees: one of the
 * incident's series had a {@link SurpriseDetector} report within {@link #AGREEMENT_STEPS} of the
 * step it joined the incident (before: the surprise score has no persistence rule and usually
 * reports first; after: the report may come later). An incident that no report confirms by then
 * is dropped, unseen. The band detectors alone raised nothing on the fault IT's quiet primaries,
 * so the gate can only remove alarms; replayed over the recorded runs it keeps all six faults
 * (docs/anomalies.md, "Live and NAB"). The published incident keeps the band
 * detector's kind, onset, band and explanation; its score is the surprise score of the report
 * that confirmed it, and its decision step the later of the alarm's and the report's. Later
 * versions of a published incident (a series joined, a trend took the lead) pass with the same
 * score. Not thread-safe.
 */
final class IncidentGate {
  /** How far a surprise report of a series may lie from the step that series joined the incident. */
  static final int AGREEMENT_STEPS = 10;

  private final SurpriseEvidence surprise;
  /** Incidents not yet confirmed, by number. */
  private final Map<Long, Held> held = new LinkedHashMap<>();
  private long publishedNumber = -1;
  private double publishedScore;
  private long publishedStep;

  IncidentGate(SurpriseEvidence surprise) {
    this.surprise = surprise;
  }

  /** An incident waiting for agreement: when it began, its newest version, and when each series joined it. */
  private record Held(long start, Incident newest, Map<String, Long> joined) {
    Held grownTo(Incident incident, long step) {
      Map<String, Long> more = new LinkedHashMap<>(joined);
      more.putIfAbsent(incident.lead().series(), step);
      incident.related().forEach(s -> more.putIfAbsent(s, step));
      return new Held(start, incident, more);
    }

    long lastJoined() {
      return joined.values().stream().mapToLong(Long::longValue).max().orElse(start);
    }
  }

  /** What of the band detectors' step at {@code step} is published. */
  PrimaryDetector.Step pass(long step, PrimaryDetector.Step band) {
    band.started().ifPresent(i -> held.put(i.number(), new Held(step, i, Map.of()).grownTo(i, step)));
    Optional<Incident> grown = Optional.empty();
    if (band.grown().isPresent()) {
      Incident i = band.grown().get();
      if (i.number() == publishedNumber) {
        grown = Optional.of(i.confirmed(publishedStep, publishedScore));
      } else {
        held.computeIfPresent(i.number(), (n, h) -> h.grownTo(i, step));
      }
    }
    Optional<Incident> started = Optional.empty();
    for (Iterator<Held> it = held.values().iterator(); it.hasNext() && started.isEmpty(); ) {
      Held h = it.next();
      OptionalDouble score = agreement(h, step);
      if (score.isPresent()) {
        it.remove();
        publishedNumber = h.newest().number();
        publishedScore = score.getAsDouble();
        publishedStep = step;
        started = Optional.of(h.newest().confirmed(step, publishedScore));
        grown = grown.filter(g -> g.number() != publishedNumber);
      } else if (step > h.lastJoined() + AGREEMENT_STEPS) {
        it.remove(); // no surprise agreed: the band detectors' incident is not published
      }
    }
    return new PrimaryDetector.Step(started, grown);
  }

  /** The highest score of a report that confirms the held incident by {@code step}, if any. */
  private OptionalDouble agreement(Held h, long step) {
    List<Double> scores = new ArrayList<>();
    h.joined().forEach((series, joined) ->
        surprise.reported(series, joined - AGREEMENT_STEPS, Math.min(step, joined + AGREEMENT_STEPS))
            .ifPresent(scores::add));
    return scores.stream().mapToDouble(Double::doubleValue).max();
  }
}
