package dev.umbra.shadow.anomaly;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One anomaly of one primary: the alarm that opened it and the other series that alarmed while
 * it was open.
 *
 * @param number 1, 2, … per primary detector
 * @param lead the first (and, within its step, strongest) alarm, or a trend that joined later
 *     (see {@link PrimaryDetector})
 * @param related other series that alarmed during the incident, in order
 */
public record Incident(long number, SeriesAlarm lead, List<String> related) {
  public Incident {
    Objects.requireNonNull(lead, "lead");
    related = List.copyOf(related);
  }

  /** The same incident led by {@code trend}: the lead before becomes the first related series. */
  Incident ledBy(SeriesAlarm trend) {
    var more = new ArrayList<String>();
    more.add(lead.series());
    related.stream().filter(s -> !s.equals(trend.series())).forEach(more::add);
    return new Incident(number, trend, more);
  }

  Incident with(String series) {
    if (series.equals(lead.series()) || related.contains(series)) {
      return this;
    }
    var more = new ArrayList<>(related);
    more.add(series);
    return new Incident(number, lead, more);
  }

  /** The incident as the {@link IncidentGate} publishes it (see {@link SeriesAlarm#confirmed}). */
  Incident confirmed(long step, double surpriseScore) {
    return new Incident(number, lead.confirmed(step, surpriseScore), related);
  }
}
