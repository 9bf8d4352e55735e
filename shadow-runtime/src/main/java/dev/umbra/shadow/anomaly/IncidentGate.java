package dev.umbra.shadow.anomaly;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Publishes an incident of the band detectors ({@link PrimaryDetector}: the JVM evidence of band,
 * persistence, repayment, kind and onset) only once the surprise score agrees: one of the
 * incident's series was surprising ({@link SurpriseEvidence}: its {@link SurpriseDetector} score
 * before any rest, at or above the report level) within {@link #AGREEMENT_STEPS} of the step it
 * joined the incident (before: the surprise score has no persistence rule and usually reacts
 * first; after: it may react later). An incident nothing agrees with by then is dropped, unseen.
 * The band detectors alone raised nothing on the fault IT's quiet primaries, so the gate can only
 * remove alarms (docs/anomalies.md, "The surprise score as a gate").
 *
 * <p><b>A fault that comes back</b> is published on the band detectors' word: a series that was
 * in a published incident within the last {@link SurpriseSettings#history()} steps confirms a new
 * one, with the highest score of those earlier incidents. The surprise score has learnt that
 * fault's level into what it calls usual (that is what keeps a NAB file quiet after its anomaly,
 * for as long as its likelihood remembers), so it would not call the second occurrence
 * surprising, while the band detectors, which keep a fault out of what they learn, do.
 *
 * <p>The published incident keeps the band detector's kind, onset, band and explanation; its
 * score is the surprise score that confirmed it, and its decision step the later of the alarm's
 * and the agreement's. Later versions of a published incident (a series joined, a trend took the
 * lead) pass with the same score and decision step, whichever incident was published since; an
 * incident without a new version for {@link SurpriseSettings#history()} steps is forgotten, and
 * a version after that is not published. Not thread-safe.
 */
final class IncidentGate {
  /** How far a surprising value of a series may lie from the step that series joined the incident. */
  static final int AGREEMENT_STEPS = 10;

  private final SurpriseEvidence surprise;
  /** Published incidents by number, until they have had no new version for the likelihood's memory. */
  private final Map<Long, Confirmed> published = new HashMap<>();
  /** Incidents not yet confirmed, by number. */
  private final Map<Long, Held> held = new LinkedHashMap<>();

  IncidentGate(SurpriseEvidence surprise) {
    this.surprise = surprise;
  }

  /** When an incident was confirmed and with what score; its newest version's step and series. */
  private record Confirmed(long step, double score, long newest, Set<String> series) {
    Confirmed grownTo(Incident incident, long at) {
      return new Confirmed(step, score, at, seriesOf(incident));
    }
  }

  private static Set<String> seriesOf(Incident incident) {
    Set<String> series = new HashSet<>(incident.related());
    series.add(incident.lead().series());
    return series;
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
    published.values().removeIf(c -> step - c.newest() > surprise.settings().history());
    Optional<Incident> grown = Optional.empty();
    if (band.grown().isPresent()) {
      Incident i = band.grown().get();
      Confirmed c = published.get(i.number());
      if (c != null) {
        published.put(i.number(), c.grownTo(i, step));
        grown = Optional.of(i.confirmed(c.step(), c.score()));
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
        Incident confirmed = h.newest();
        published.put(confirmed.number(), new Confirmed(step, score.getAsDouble(), step, seriesOf(confirmed)));
        started = Optional.of(confirmed.confirmed(step, score.getAsDouble()));
        grown = grown.filter(g -> g.number() != confirmed.number());
      } else if (step > h.lastJoined() + AGREEMENT_STEPS) {
        it.remove(); // no surprise agreed: the band detectors' incident is not published
      }
    }
    return new PrimaryDetector.Step(started, grown);
  }

  /** The score that confirms the held incident by {@code step}: its series' highest surprise, else a recurrence's. */
  private OptionalDouble agreement(Held h, long step) {
    List<Double> scores = new ArrayList<>();
    h.joined().forEach((series, joined) ->
        surprise.surprising(series, joined - AGREEMENT_STEPS, Math.min(step, joined + AGREEMENT_STEPS))
            .ifPresent(scores::add));
    if (scores.isEmpty()) {
      h.joined().forEach((series, joined) -> published.values().stream()
          .filter(c -> c.series().contains(series) && joined - c.newest() <= surprise.settings().history())
          .forEach(c -> scores.add(c.score())));
    }
    return scores.stream().mapToDouble(Double::doubleValue).max();
  }
}
