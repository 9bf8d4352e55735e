package dev.umbra.shadow.anomaly;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The detectors of one primary's series and the incident they share: alarms of several series
 * close together in time are one anomaly. An incident stays open for {@code mergeGap} steps
 * after its last alarm; alarms in that time join it as related series instead of starting a new
 * anomaly (a series that keeps alarming does not alarm again: its detector suppresses it, so it
 * cannot hold an incident open and swallow the next one). <em>Context</em> series (the host's
 * CPU, which other processes move) never open an incident: their alarms only join one that the
 * primary's own series opened, or open within {@code mergeGap} steps. The first alarm leads the
 * incident, except that a trend joining an incident that no trend leads takes the lead: it is the
 * more specific diagnosis (a leak first shows as {@code alloc.rate} shifting up, then as the heap
 * climbing). Not thread-safe.
 */
public final class PrimaryDetector {
  private final DetectorSettings settings;
  private final Function<String, SeriesDetector> newDetector;
  private final Set<String> context;
  /** Context series that alarmed with no incident open, and when. */
  private final Map<String, Long> contextAlarms = new LinkedHashMap<>();
  private final Map<String, SeriesDetector> detectors = new LinkedHashMap<>();
  private Incident open;
  private long lastAlarmStep;
  private long incidents;

  /** @param newDetector makes the detector of a series seen for the first time */
  public PrimaryDetector(DetectorSettings settings, Function<String, SeriesDetector> newDetector) {
    this(settings, newDetector, Set.of());
  }

  /**
   * @param newDetector makes the detector of a series seen for the first time
   * @param context series whose alarms join an open incident but never open one
   */
  public PrimaryDetector(DetectorSettings settings, Function<String, SeriesDetector> newDetector, Set<String> context) {
    this.settings = settings;
    this.newDetector = newDetector;
    this.context = Set.copyOf(context);
  }

  /** What one step changed: an incident that started, or the open one if it gained series or a new lead. */
  public record Step(Optional<Incident> started, Optional<Incident> grown) {}

  /**
   * Scores one step's values (series → value); series missing from this step are skipped.
   *
   * @return the incident that started at this step, or the open one if it gained series
   */
  public Step observe(long step, Map<String, Double> valuesBySeries) {
    List<SeriesAlarm> alarms = new ArrayList<>();
    for (Map.Entry<String, Double> e : valuesBySeries.entrySet()) {
      SeriesDetector d = detectors.computeIfAbsent(e.getKey(), newDetector);
      d.observe(step, e.getValue()).ifPresent(alarms::add);
    }
    if (open != null && !stillOpen(step)) {
      open = null;
    }
    if (alarms.isEmpty()) {
      return new Step(Optional.empty(), Optional.empty());
    }
    if (open == null && alarms.stream().allMatch(a -> context.contains(a.series()))) {
      // nothing of the primary's own: not its anomaly, though it may join one opened soon
      alarms.forEach(a -> contextAlarms.put(a.series(), step));
      return new Step(Optional.empty(), Optional.empty());
    }
    lastAlarmStep = step;
    // the primary's own series first, a trend first among them, then by score
    alarms.sort(Comparator.comparing((SeriesAlarm a) -> context.contains(a.series()))
        .thenComparing((SeriesAlarm a) -> a.kind() != Kind.TREND)
        .thenComparing(Comparator.comparingDouble(SeriesAlarm::score).reversed()));
    if (open == null) {
      List<String> related = new ArrayList<>(alarms.stream().skip(1).map(SeriesAlarm::series).toList());
      contextAlarms.forEach((series, at) -> {
        if (step - at <= settings.mergeGap() && !related.contains(series)) {
          related.add(series);
        }
      });
      contextAlarms.clear();
      open = new Incident(++incidents, alarms.get(0), related);
      return new Step(Optional.of(open), Optional.empty());
    }
    Incident before = open;
    for (SeriesAlarm a : alarms) {
      // a trend explains the shifts around it (a leak allocates more, then the heap climbs):
      // it takes the lead of an incident that no trend leads yet
      open = a.kind() == Kind.TREND && open.lead().kind() != Kind.TREND && !context.contains(a.series())
          ? open.ledBy(a)
          : open.with(a.series());
    }
    return new Step(Optional.empty(), open.equals(before) ? Optional.empty() : Optional.of(open));
  }

  private boolean stillOpen(long step) {
    return step - lastAlarmStep <= settings.mergeGap();
  }

  /** The newest score of a series, 0 when it was never seen. */
  public double score(String series) {
    SeriesDetector d = detectors.get(series);
    return d == null ? 0 : d.lastScore();
  }
}
