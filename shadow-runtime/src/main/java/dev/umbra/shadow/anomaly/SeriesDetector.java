package dev.umbra.shadow.anomaly;

import dev.umbra.shadow.forecast.Quantiles;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;

/**
 * Streaming detector of one series. For each value, with no look-ahead:
 *
 * <ol>
 *   <li>Forecast: the next value is distributed like the last {@code window} values, with
 *       exponential tails beyond their 10 % and 90 % quantiles (the expected band) whose scale is
 *       the window's robust spread (MAD, IQR) but at least a floor: the unit's smallest
 *       meaningful change, or {@code relativeFloor} of the median.
 *   <li>Surprise: −ln of the value's tail probability relative to the band's 10 %, i.e. how many
 *       scales it lies beyond the band; plus two surprises that a band cannot see: a run of
 *       values at zero when the series rarely is, and a run of identical values when the
 *       series usually moves (both −ln of the run's probability under the window's frequencies).
 *       A rate's value above its median is first reduced by what it repays of the rate's recent
 *       shortfall ({@link Repayment}): a catch-up after a starved second is not a burst.
 *   <li>Smoothing: an EWMA of the surprise.
 *   <li>Adaptive threshold: mean + k·sd of the series' own recent smoothed surprises (each
 *       capped at the threshold it was judged by, none taken during an alarm or in the steps
 *       that led up to it, so incidents do not blind the series), never below {@code
 *       minThreshold}. Likewise the forecast window takes a value of the first {@link
 *       #FAULT_STEPS} of an alarm only up to a scale beyond the band.
 *   <li>Alarm and suppression: crossing the threshold raises an alarm (a lone value outside
 *       the band only when it is above it and its surprise is 4 thresholds: telemetry has
 *       one-second hiccups; a rate above its band only after {@link #HIGH_RATE_STEPS}, below it
 *       only after {@link #LOW_RATE_STEPS})
 *       unless the series is still in one; it stays in it until the surprise has stayed under half the threshold
 *       for {@code clearSteps} (and at least {@code minSuppression} steps have passed).
 *   <li>Kind: stall (run at zero, frozen or a drop to under a tenth of the median), trend (the
 *       excursion climbs out of the band step by step, see {@link #trending}; not for rates,
 *       whose ramps are reported as the level they reach), level shift
 *       (three or more steps outside on one side) or spike (back within a scale of the band
 *       within {@code confirmSteps}).
 * </ol>
 *
 * Not thread-safe: one instance per series, fed by one thread.
 */
public final class SeriesDetector {
  /** The expected band runs from this quantile to 1 − it: robust to a recent fault filling up to a tenth of the window. */
  private static final double TAIL = 0.1;
  private static final double LN_TAIL = -Math.log(TAIL);
  /** Runs of zero or frozen values are judged over at most this many steps. */
  private static final int MAX_RUN = 8;
  /** A single value outside the band must be this many thresholds surprising to alarm alone. */
  static final double SINGLE_STEP_FACTOR = 4;
  /** For this many steps after an alarm, its values enter the forecast window only up to a scale beyond the band. */
  static final int FAULT_STEPS = 30;
  /**
   * A rate below its band (or frozen) alarms only after this many steps at least a scale out: a
   * starved process's rates dip for a few seconds and then catch up (the fault IT's quiet primary,
   * while its neighbour started 400 threads: {@code alloc.rate} 9, 21, 0, 12, 7, 13, then 34 MB/s,
   * against 15); a lasting drop or stall waits this long.
   */
  static final int LOW_RATE_STEPS = 5;
  /**
   * A rate above its band alarms after this many steps at least a scale out, however extreme its
   * first value: a JVM's CPU and allocation have one- and two-second bursts (JIT, GC, a large
   * request, the agent; in fault-free runs {@code cpu.process} read 0.27 then 0.43 cores against
   * 0.18, and an idle primary's {@code alloc.rate} 4-9 MB/s for one second against 0.2-0.7) that
   * are not a change of behaviour, and an alarm may roll the primary back.
   */
  static final int HIGH_RATE_STEPS = 3;

  private final String series;
  private final String unit;
  private final double absoluteFloor;
  private final SeriesTraits.Nature nature;
  private final DetectorSettings settings;
  private final Repayment repayment = new Repayment();
  /**
   * The forecast window: recent values, those observed during an alarm pulled in to one scale
   * beyond the band they were judged by (see {@link #observe}).
   */
  private final Ring values;
  /** The same recent values as observed, for the excursion's shape (trend, onset, slope, frozen runs). */
  private final Ring recent;
  /** The step of each value in {@link #recent} (a series may skip steps, e.g. one value per collection). */
  private final Ring steps;
  /** Smoothed surprises of the last {@link #LOW_RATE_STEPS} steps: learnt once no alarm can count them as its run-up. */
  private final ArrayDeque<Double> unlearnt = new ArrayDeque<>();
  private final Ring scores;
  private double smoothed;
  private long lastStep = Long.MIN_VALUE;
  // the current excursion: consecutive steps with a surprise, on one side
  private int outsideRun;
  /** Consecutive steps at least one scale beyond the band (a tenth of normal values lie just outside it). */
  private int strongRun;
  private int side;
  private long excursionStart;
  private int zeroRun;
  private int frozenRun;
  // alarm state
  private boolean alarming;
  private long alarmStep;
  private int calmRun;
  private Candidate pending;
  private double lastScore;
  /** The value being observed (not yet in {@link #values}). */
  private double current;

  /**
   * A detector of a series that may trend and is not repaid (see {@link SeriesTraits.Nature}).
   *
   * @param unit printed in explanations ("" for none)
   * @param absoluteFloor the smallest change of this series that matters, in its unit (0: none)
   * @param freezing whether a run of identical values is surprising ({@link SeriesTraits.Nature#GENERIC}),
   *     or not ({@link SeriesTraits.Nature#LEVEL})
   */
  public SeriesDetector(String series, String unit, double absoluteFloor, boolean freezing, DetectorSettings settings) {
    this(series, new SeriesTraits(unit, Math.max(0, absoluteFloor),
        freezing ? SeriesTraits.Nature.GENERIC : SeriesTraits.Nature.LEVEL), settings);
  }

  public SeriesDetector(String series, SeriesTraits traits, DetectorSettings settings) {
    this.series = series;
    this.nature = traits.nature();
    this.unit = traits.unit();
    this.absoluteFloor = traits.absoluteFloor();
    this.settings = settings;
    this.values = new Ring(settings.window());
    this.recent = new Ring(settings.window());
    this.steps = new Ring(settings.window());
    this.scores = new Ring(settings.scoreWindow());
  }

  public String series() {
    return series;
  }

  /** The score of the newest value, 0..1 (0.5 at the adaptive threshold); 0 while warming up. */
  public double lastScore() {
    return lastScore;
  }

  /** True while an alarm of this series has not calmed down. */
  public boolean alarming() {
    return alarming;
  }

  /**
   * Scores {@code value} at {@code step} (strictly increasing; gaps allowed).
   *
   * @return an alarm decided at this step, if any
   */
  public Optional<SeriesAlarm> observe(long step, double value) {
    if (step <= lastStep) {
      throw new IllegalArgumentException(series + ": step " + step + " is not after " + lastStep);
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(series + ": value at step " + step + " is " + value);
    }
    lastStep = step;
    current = value;
    if (values.size() < settings.warmup()) {
      values.add(value);
      recent.add(value);
      steps.add(step);
      lastScore = 0;
      return Optional.empty();
    }
    Band band = band();
    double judged = nature.repays() ? repayment.judge(step, value, band.median()) : value;
    double surprise = surprise(step, value, judged, band);
    smoothed = settings.smoothing() * surprise + (1 - settings.smoothing()) * smoothed;
    double threshold = threshold();
    lastScore = 1 - Math.pow(2, -smoothed / threshold);
    boolean wasAlarming = alarming;
    if (!alarming) {
      // the threshold learns what is usual: not from the steps of an alarm (a fault of 12 s,
      // capped at the threshold, raised it to 9 for the next ten minutes and hid the next faults)
      unlearnt.add(Math.min(smoothed, threshold));
    }
    Optional<SeriesAlarm> alarm = decide(step, value, band, surprise, threshold);
    if (alarming && !wasAlarming) {
      // nor from the steps that led up to it (a GC storm's first two seconds, capped at the
      // threshold, raised alloc.rate's by half and hid the throughput drop two minutes later)
      unlearnt.clear();
    }
    while (unlearnt.size() > LOW_RATE_STEPS) {
      scores.add(unlearnt.removeFirst());
    }
    // nor does the forecast learn a fault's values in full: in the first FAULT_STEPS of an alarm
    // a value enters the window at most one scale beyond the band, so a fault that fills a tenth
    // of the window does not widen the band for the next two minutes (after a 12 s GC storm,
    // mem.heap.used's band reached 440 MB and hid a leak); a change that lasts longer is learnt
    values.add(alarming && step - alarmStep < FAULT_STEPS
        ? Math.max(band.low() - band.scale(), Math.min(band.high() + band.scale(), value))
        : value);
    recent.add(value);
    steps.add(step);
    return alarm;
  }

  private double threshold() {
    if (scores.size() < settings.warmup()) {
      return settings.minThreshold() * 2; // few scores yet: stay cautious
    }
    return Math.max(settings.minThreshold(), scores.mean() + settings.thresholdSigmas() * scores.std());
  }

  /** The expected band and scale of the next value, from the recent window. */
  private Band band() {
    double[] sorted = values.toArray();
    Arrays.sort(sorted);
    double median = Quantiles.ofSorted(sorted, 0.5);
    double[] deviations = new double[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      deviations[i] = Math.abs(sorted[i] - median);
    }
    Arrays.sort(deviations);
    double mad = 1.4826 * Quantiles.ofSorted(deviations, 0.5);
    double iqr = (Quantiles.ofSorted(sorted, 0.75) - Quantiles.ofSorted(sorted, 0.25)) / 1.349;
    double range = sorted[sorted.length - 1] - sorted[0];
    double floor = Math.max(Math.max(absoluteFloor, settings.relativeFloor() * Math.abs(median)),
        Math.max(1e-3 * range, 1e-12 * (1 + Math.abs(median))));
    double scale = Math.max(Math.max(mad, iqr), floor);
    int zeros = 0;
    int still = 0;
    for (int i = 1; i < values.size(); i++) {
      if (Math.abs(values.get(i) - values.get(i - 1)) <= 1e-9 * (1 + Math.abs(values.get(i)))) {
        still++;
      }
    }
    for (double v : sorted) {
      if (Math.abs(v) <= zeroTolerance(scale)) {
        zeros++;
      }
    }
    return new Band(Quantiles.ofSorted(sorted, TAIL), Quantiles.ofSorted(sorted, 1 - TAIL), median, scale,
        (zeros + 1.0) / (sorted.length + 2.0), (still + 1.0) / (values.size() + 1.0));
  }

  private static double zeroTolerance(double scale) {
    return 1e-6 * scale;
  }

  /** @param judged the value as judged against the band: {@code value} less what it repays, for rates */
  private double surprise(long step, double value, double judged, Band band) {
    int newSide = judged > band.high() ? 1 : judged < band.low() ? -1 : 0;
    double beyond = newSide > 0 ? judged - band.high() : newSide < 0 ? band.low() - judged : 0;
    double z = beyond / band.scale();
    boolean zero = Math.abs(value) <= zeroTolerance(band.scale()) && band.median() > band.scale();
    zeroRun = zero ? Math.min(MAX_RUN, zeroRun + 1) : 0;
    boolean frozen = Math.abs(value - recent.fromEnd(0)) <= 1e-9 * (1 + Math.abs(value));
    frozenRun = frozen && nature.freezing() ? Math.min(MAX_RUN, frozenRun + 1) : 0;
    double zeroSurprise = zeroRun == 0 ? 0 : Math.max(0, -zeroRun * Math.log(band.zeroFrequency()) - LN_TAIL);
    double frozenSurprise =
        frozenRun < 2 ? 0 : Math.max(0, -frozenRun * Math.log(band.stillFrequency()) - LN_TAIL);
    double surprise = Math.max(z, Math.max(zeroSurprise, frozenSurprise));
    strongRun = surprise >= 1 ? strongRun + 1 : 0;
    int excursionSide = newSide != 0 ? newSide : (zeroSurprise > 0 || frozenSurprise > 0) ? -2 : 0;
    if (surprise > 0 && excursionSide != 0) {
      if (outsideRun == 0 || excursionSide != side) {
        excursionStart = step;
        outsideRun = 0;
        side = excursionSide;
      }
      outsideRun++;
    } else {
      outsideRun = 0;
      side = 0;
    }
    return surprise;
  }

  private Optional<SeriesAlarm> decide(long step, double value, Band band, double surprise, double threshold) {
    if (pending != null) {
      Candidate c = pending.strongest(value, band, surprise, step);
      // back within one scale of the band (or across it): the excursion was a spike
      Kind kind = outsideRun == 0 || side != c.side() || surprise < 1 ? Kind.SPIKE : classify(band, c);
      if (kind != null || step - pending.decidedStep() >= settings.confirmSteps()) {
        pending = null;
        return Optional.of(alarm(kind == null ? Kind.LEVEL_SHIFT : kind, c, step, threshold));
      }
      pending = c;
      return Optional.empty();
    }
    if (alarming) {
      calmRun = smoothed < threshold / 2 ? calmRun + 1 : 0;
      if (calmRun >= settings.clearSteps() && step - alarmStep >= settings.minSuppression()) {
        alarming = false;
      }
      return Optional.empty();
    }
    // one odd value alarms alone only when it is high and extreme: telemetry has one-second
    // hiccups (in real runs alloc.rate reads 0 for a second now and then), and a lone low value
    // is more likely a missed sample than a stall
    if (smoothed < threshold || outsideRun == 0
        || (strongRun < 2 && (side < 0 || surprise < SINGLE_STEP_FACTOR * threshold))
        || (side < 0 && nature.repays() && strongRun < LOW_RATE_STEPS)
        || (side > 0 && nature.repays() && strongRun < HIGH_RATE_STEPS)) {
      return Optional.empty();
    }
    alarming = true;
    alarmStep = step;
    calmRun = 0;
    Candidate c = new Candidate(onset(step), step, value, band, surprise, side);
    Kind kind = classify(band, c);
    if (kind == null && settings.confirmSteps() > 0) {
      pending = c;
      return Optional.empty();
    }
    return Optional.of(alarm(kind == null ? Kind.SPIKE : kind, c, step, threshold));
  }

  /** The kind, when the values so far decide it; null while a fresh excursion may be a spike. */
  private Kind classify(Band band, Candidate c) {
    if (side == -2 || (side < 0 && c.value() <= 0.1 * band.median() && band.median() > band.scale())) {
      return Kind.STALL;
    }
    if (nature.trends() && trending(band)) {
      return Kind.TREND;
    }
    if (outsideRun >= 1 + settings.confirmSteps()) {
      return Kind.LEVEL_SHIFT;
    }
    return null;
  }

  /**
   * The excursion so far is a climb, not a step. It has lasted at least three values, and either
   * it climbed out of the band: with the value just before it, it moved at least three scales its
   * way, at least 60 % of its moves go that way and no single move makes more than half of it; or
   * it went on climbing once out: its values outside the band moved at least three scales its
   * way, 60 % of their moves that way, none more than two thirds of it. The second lets the first
   * move out be a jump: a series observed once per collection ({@code mem.heap.after_gc}) catches
   * up in one move on all a leak grew since the collection before.
   */
  private boolean trending(Band band) {
    if (outsideRun < 3 || Math.abs(side) != 1) {
      return false;
    }
    int n = Math.min(outsideRun + 1, recent.size() + 1);
    double[] y = new double[n];
    for (int i = 0; i < n - 1; i++) {
      y[i] = recent.fromEnd(n - 2 - i);
    }
    y[n - 1] = current;
    return climbs(y, 0, 0.5, band.scale()) || climbs(y, 1, 2.0 / 3, band.scale());
  }

  /** Whether {@code y[from..]} moved 3+ scales its way, 60 % of its moves that way, none more than {@code share} of it. */
  private boolean climbs(double[] y, int from, double share, double scale) {
    int n = y.length;
    double total = side * (y[n - 1] - y[from]);
    int along = 0;
    double largest = 0;
    for (int i = from + 1; i < n; i++) {
      double d = side * (y[i] - y[i - 1]);
      along += d > 0 ? 1 : 0;
      largest = Math.max(largest, d);
    }
    return total >= 3 * scale && largest <= share * total && along >= 0.6 * (n - 1 - from);
  }

  /**
   * When the excursion began, estimated at its alarm. For a run at zero or frozen: where the run
   * began. Above or below the band: not where the values first left the band (a series may sit
   * just outside it for a while before the real change, e.g. an idle heap creeping up), but where
   * the values came at least one scale beyond it, moved back over the steps just before that which
   * already went the same way at a third or more of the run's pace (a leak that started inside the
   * band). At most one window back.
   */
  private long onset(long step) {
    if (Math.abs(side) != 1) {
      return excursionStart;
    }
    int available = recent.size(); // y(j), j steps back; y(0) is the current value
    int strong = Math.max(1, Math.min(strongRun, available));
    double pace = side * (current - recent.fromEnd(strong - 1)) / strong;
    int j = strong - 1;
    if (pace > 0) {
      while (j + 2 <= available) {
        double move = side * (back(j + 1) - back(j + 2)); // how the step before moved
        if (move <= 0 || move < pace / 3) {
          break;
        }
        j++;
      }
    }
    return j == 0 ? step : (long) steps.fromEnd(j - 1);
  }

  /** The value {@code j} steps back from the current one (0: the current one). */
  private double back(int j) {
    return j == 0 ? current : recent.fromEnd(j - 1);
  }

  /** The slope of the excursion so far, per step (per second in the shadow, however many values it had). */
  private double slopePerStep() {
    int n = Math.min(outsideRun + 1, recent.size() + 1);
    return n < 2 ? 0 : (current - recent.fromEnd(n - 2)) / Math.max(1, lastStep - (long) steps.fromEnd(n - 2));
  }

  private SeriesAlarm alarm(Kind kind, Candidate c, long step, double threshold) {
    double score = Math.max(0.5, 1 - Math.pow(2, -Math.max(smoothed, threshold) / threshold));
    long duration = step - c.onset() + 1;
    String expected = "expected " + Units.band(c.band().low(), c.band().high(), unit);
    String text = switch (kind) {
      case SPIKE -> series + " spiked to " + Units.format(c.value(), unit) + ", " + expected;
      case LEVEL_SHIFT -> series + " shifted " + (c.side() > 0 ? "up" : "down") + " to " + Units.format(c.value(), unit)
          + " for " + duration + " s, " + expected;
      case TREND -> series + " " + (c.side() > 0 ? "rising " : "falling ")
          + Units.format(Math.abs(slopePerStep()), unit) + "/s for " + duration + " s to " + Units.format(c.value(), unit) + ", " + expected;
      case STALL -> series + " stalled at " + Units.format(c.value(), unit) + " for " + duration + " s, " + expected;
    };
    return new SeriesAlarm(series, kind, c.onset(), step, Math.min(1, score), c.value(), c.band().low(),
        c.band().high(), text);
  }

  /** The forecast of the next value: the expected band, its median and scale, and frequencies of zero and of no change. */
  record Band(double low, double high, double median, double scale, double zeroFrequency, double stillFrequency) {}

  /** An alarm waiting for its kind: the most surprising value of its excursion so far. */
  private record Candidate(long onset, long decidedStep, double value, Band band, double surprise, int side) {
    Candidate strongest(double newValue, Band newBand, double newSurprise, long step) {
      return newSurprise > surprise ? new Candidate(onset, decidedStep, newValue, newBand, newSurprise, side) : this;
    }
  }
}
