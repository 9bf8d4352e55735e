package dev.umbra.shadow.action;

import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.anomaly.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the shadow does about an anomaly (docs/anomalies.md, "Acting on anomalies"), one policy for
 * {@code umbra serve --act}, {@code umbra run} and {@code umbra demo}: rules map an anomaly's series
 * and kind to an action (alert, scale up, roll back); {@code minScore} keeps weak anomalies to an
 * alert; {@code cooldown}, {@code budget} and {@code window} bound how often one workload is acted
 * on (see {@link ActionBudget}). Pure and immutable.
 *
 * @param rules tried in the order of {@link #choose}; at least one
 * @param minScore anomalies scoring below this (0..1) are only alerted on
 * @param cooldown the least time between two actions of one kind on one workload
 * @param budget at most this many actions of one kind on one workload per {@code window}
 * @param window the budget's window
 * @param cpuStepCores what one CPU scale-up adds to the quota, cores
 * @param memoryStep what one memory scale-up adds to the limit, a fraction of it (0.25 = 25 %)
 */
public record ActionPolicy(List<Rule> rules, double minScore, Duration cooldown, int budget, Duration window,
    double cpuStepCores, double memoryStep) {

  /** The rules of {@code act-rules} by default. */
  public static final String DEFAULT_RULES =
      "cpu.process/spike,level-shift,trend=scale-up; threads.live,threads.blocked=rollback; *=alert";

  /** What to do about an anomaly. */
  public enum Action {
    /** Log, metric, webhook and the audit: nothing changes on the primary. */
    ALERT,
    /** More of the resource the anomaly's series measures, through the allocator. */
    SCALE_UP,
    /** Back to the newest known-good checkpoint. */
    ROLLBACK;

    /** Lower case with dashes, as {@code act-rules} spells it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** What a scale-up changes, from the anomaly's series. */
  public enum Resource { CPU, MEMORY }

  /**
   * One rule: anomalies of these series and kinds get this action.
   *
   * @param series series names; empty: any series (written {@code *})
   * @param kinds anomaly kinds; empty: any kind
   */
  public record Rule(Set<String> series, Set<Kind> kinds, Action action) {
    public Rule {
      series = Set.copyOf(new LinkedHashSet<>(series));
      kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
      Objects.requireNonNull(action, "action");
    }

    boolean any() {
      return series.isEmpty();
    }

    boolean names(String name, Kind kind) {
      return series.contains(name) && (kinds.isEmpty() || kinds.contains(kind));
    }

    @Override
    public String toString() {
      String s = any() ? "*" : String.join(",", series.stream().sorted().toList());
      String k = kinds.isEmpty() ? "" : "/" + String.join(",", kinds.stream().sorted().map(Kind::label).toList());
      return s + k + "=" + action.label();
    }
  }

  /** The action chosen for an anomaly and why, with the rule that chose it (empty for a low score or no rule). */
  public record Choice(Action action, Optional<Rule> rule, String why) {}

  public ActionPolicy {
    rules = List.copyOf(rules);
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("act-rules: at least one rule is needed");
    }
    if (!(minScore >= 0 && minScore <= 1)) {
      throw new IllegalArgumentException("act-min-score: " + minScore + " is not in 0..1");
    }
    Objects.requireNonNull(cooldown, "cooldown");
    Objects.requireNonNull(window, "window");
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("act-cooldown: " + cooldown + " is negative");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("act-window: " + window + " is not positive");
    }
    if (budget < 1) {
      throw new IllegalArgumentException("act-budget: " + budget + " is not at least 1");
    }
    if (!(cpuStepCores > 0 && cpuStepCores <= 64)) {
      throw new IllegalArgumentException("act-cpu-step: " + cpuStepCores + " is not in (0, 64] cores");
    }
    if (!(memoryStep > 0 && memoryStep <= 4)) {
      throw new IllegalArgumentException("act-memory-step: " + memoryStep + " is not in (0, 4]");
    }
  }

  /**
   * The defaults: {@link #DEFAULT_RULES}, score at least 0.5, one action of a kind per 30 s and 3
   * per 10 minutes per workload, CPU up by 0.5 cores, memory by 25 %.
   */
  public static ActionPolicy defaults() {
    return new ActionPolicy(parseRules(DEFAULT_RULES), 0.5, Duration.ofSeconds(30), 3, Duration.ofMinutes(10), 0.5, 0.25);
  }

  /**
   * The policy of {@code umbra run} and {@code umbra demo}: roll back on anomalies involving one of
   * {@code series} (as lead or related; any series when empty), alert on the rest; the default
   * budget (3 per 10 minutes per workload).
   */
  public static ActionPolicy rollbackOn(Set<String> series, double minScore, Duration cooldown) {
    ActionPolicy d = defaults();
    List<Rule> rules = series.isEmpty() ? List.of(new Rule(Set.of(), Set.of(), Action.ROLLBACK))
        : List.of(new Rule(series, Set.of(), Action.ROLLBACK), new Rule(Set.of(), Set.of(), Action.ALERT));
    return new ActionPolicy(rules, minScore, cooldown, d.budget(), d.window(), d.cpuStepCores(), d.memoryStep());
  }

  /** The same policy with other rules. */
  public ActionPolicy withRules(List<Rule> other) {
    return new ActionPolicy(other, minScore, cooldown, budget, window, cpuStepCores, memoryStep);
  }

  /**
   * The action for {@code anomaly}: below {@code minScore} an alert; else the first rule naming its
   * lead series (and kind), then the first naming one of its related series, then the first
   * {@code *} rule; none: an alert. A scale-up rule matches only an anomaly above its expected band
   * (a fall of CPU is no reason for more of it) whose series measures CPU or memory; a rollback rule
   * only one above its band or a stall (threads ending after a thread storm are recovery, not a
   * reason to throw away the work done since the checkpoint).
   */
  public Choice choose(Anomaly anomaly) {
    if (anomaly.score() < minScore) {
      return new Choice(Action.ALERT, Optional.empty(), String.format(Locale.ROOT, "score %.2f is below act-min-score %s",
          anomaly.score(), minScore));
    }
    List<Rule> candidates = new ArrayList<>();
    rules.stream().filter(r -> r.names(anomaly.series(), anomaly.kind())).forEach(candidates::add);
    for (String related : anomaly.relatedSeries()) {
      rules.stream().filter(r -> r.names(related, anomaly.kind())).forEach(candidates::add);
    }
    rules.stream().filter(r -> r.any() && (r.kinds().isEmpty() || r.kinds().contains(anomaly.kind())))
        .forEach(candidates::add);
    for (Rule rule : candidates) {
      boolean rise = anomaly.observed() > anomaly.expectedHigh();
      if (rule.action() == Action.SCALE_UP && !rise) {
        continue;
      }
      if (rule.action() == Action.ROLLBACK && !rise && anomaly.kind() != Kind.STALL) {
        continue;
      }
      if (rule.action() == Action.SCALE_UP && scaled(rule, anomaly).isEmpty()) {
        continue;
      }
      return new Choice(rule.action(), Optional.of(rule), "rule " + rule);
    }
    return new Choice(Action.ALERT, Optional.empty(), "no rule acts on " + anomaly.kind().label() + " of " + anomaly.series());
  }

  /** What a scale-up chosen by {@code rule} changes: the resource of the first series of the anomaly the rule names. */
  public static Optional<Resource> scaled(Rule rule, Anomaly anomaly) {
    List<String> named = new ArrayList<>();
    named.add(anomaly.series());
    named.addAll(anomaly.relatedSeries());
    return named.stream()
        .filter(s -> rule.any() || rule.series().contains(s))
        .map(ActionPolicy::resourceOf)
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** The resource a series measures: {@code cpu.process} CPU; {@code mem.rss} and the heap series memory. */
  static Optional<Resource> resourceOf(String series) {
    return switch (series) {
      case "cpu.process" -> Optional.of(Resource.CPU);
      case "mem.rss", "mem.heap.used", "mem.heap.committed", "mem.heap.after_gc", "mem.nonheap" -> Optional.of(Resource.MEMORY);
      default -> Optional.empty();
    };
  }

  /**
   * Parses {@code act-rules}: rules separated by {@code ;}, each {@code SERIES[,SERIES...][/KIND[,KIND...]]=ACTION}
   * with {@code *} for any series, kinds spike, level-shift, trend, stall, actions alert, scale-up, rollback.
   *
   * @throws IllegalArgumentException naming the rule and what is wrong with it
   */
  public static List<Rule> parseRules(String text) {
    List<Rule> rules = new ArrayList<>();
    for (String part : text.split(";")) {
      String rule = part.strip();
      if (rule.isEmpty()) {
        continue;
      }
      int eq = rule.lastIndexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("act-rules: '" + rule + "' is not SERIES[/KINDS]=ACTION");
      }
      String action = rule.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
      String left = rule.substring(0, eq).strip();
      int slash = left.indexOf('/');
      String seriesText = (slash < 0 ? left : left.substring(0, slash)).strip();
      Set<String> series = new LinkedHashSet<>();
      if (!seriesText.equals("*")) {
        for (String s : seriesText.split(",")) {
          if (s.isBlank() || s.strip().equals("*")) {
            throw new IllegalArgumentException("act-rules: '" + rule + "' names an empty series or mixes * with names");
          }
          series.add(s.strip());
        }
      }
      Set<Kind> kinds = EnumSet.noneOf(Kind.class);
      if (slash >= 0) {
        for (String k : left.substring(slash + 1).split(",")) {
          kinds.add(kind(k.strip(), rule));
        }
      }
      rules.add(new Rule(series, kinds, action(action, rule)));
    }
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("act-rules: '" + text + "' holds no rule");
    }
    return rules;
  }

  private static Kind kind(String label, String rule) {
    for (Kind k : Kind.values()) {
      if (k.label().equals(label.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException("act-rules: '" + rule + "': '" + label + "' is not spike, level-shift, trend or stall");
  }

  private static Action action(String label, String rule) {
    for (Action a : Action.values()) {
      if (a.label().equals(label)) {
        return a;
      }
    }
    throw new IllegalArgumentException("act-rules: '" + rule + "': '" + label + "' is not alert, scale-up or rollback");
  }

  /** The rules as {@code act-rules} spells them. */
  public String rulesText() {
    return String.join("; ", rules.stream().map(Rule::toString).toList());
  }
}
