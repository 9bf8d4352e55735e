package dev.umbra.shadow.demo;

import dev.umbra.shadow.Shadow;
import dev.umbra.shadow.manager.Decision;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.series.SeriesWindow;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The demo's summary: what was pre-provisioned ahead of demand, what was detected, what was
 * rolled back, the final state and what was left behind. Every line starts with {@code summary:}
 * and a stable key, so that a test can check the facts; {@code summary: verdict:} names the
 * facts that did not hold.
 */
public final class DemoSummary {
  /** At or above this share of its allocation a primary is saturated (the manager's own rule). */
  static final double SATURATED = 0.95;

  private final List<String> lines = new ArrayList<>();
  private final Map<String, Boolean> facts = new LinkedHashMap<>();

  /** A scale-up judged against the usage that followed it. */
  record Provision(Decision decision, double usageShare, OptionalLong reachedSecond) {
    boolean ahead() {
      return usageShare < SATURATED && reachedSecond.isPresent();
    }
  }

  /** Builds the facts that need the running shadow (its store); call before closing it. */
  public static DemoSummary of(DemoView view, Shadow shadow, String limits, String manager, String rollbackPolicy) {
    DemoSummary s = new DemoSummary();
    synchronized (view.lock) {
      s.build(view, shadow, limits, manager, rollbackPolicy);
    }
    return s;
  }

  private void build(DemoView view, Shadow shadow, String limits, String manager, String rollbackPolicy) {
    line("limits", limits);
    line("manager", manager);
    line("rollback policy", rollbackPolicy);
    int forecasts = view.viewForecasts + view.managerForecasts;
    line("forecasts", forecasts + " issued (" + view.managerForecasts + " for the manager's decisions, "
        + view.viewForecasts + " for this view), models " + (view.models.isEmpty() ? "none" : String.join(", ", view.models)));
    facts.put("forecasts issued", forecasts > 0);

    List<Provision> provisions = new ArrayList<>();
    int ups = 0;
    int downs = 0;
    for (Decision d : view.changes) {
      if (d.action() == Decision.Action.SCALE_UP) {
        ups++;
      } else if (d.action() == Decision.Action.SCALE_DOWN) {
        downs++;
      }
      if (d.action() == Decision.Action.SCALE_UP && d.applied() && d.resource() != Decision.Resource.HEAP
          && Double.isFinite(d.current())) {
        Canonical usage = d.resource() == Decision.Resource.CPU ? Canonical.CPU_PROCESS : Canonical.MEM_RSS;
        provisions.add(new Provision(d, d.usage() / d.current(),
            firstAtOrAbove(shadow, d.primaryId(), usage, d.at().getEpochSecond() + 1, d.current())));
      }
    }
    long ahead = provisions.stream().filter(Provision::ahead).count();
    line("decisions", view.changes.size() + " changes (" + ups + " up, " + downs + " down, "
        + (view.changes.size() - ups - downs) + " other)");
    line("pre-provisioned", ahead + " of " + provisions.size() + " scale-ups ahead of demand");
    for (Provision p : provisions) {
      Decision d = p.decision();
      String unit = d.resource() == Decision.Resource.CPU ? "cores" : "bytes";
      double at = view.secondsAt(d.at().toEpochMilli());
      // rounded down, so that a share below the saturation rule (95 %) never prints as 95 %
      String text = String.format(Locale.ROOT, "%s %s -> %s, %s, at %.0f s, usage then %s (%d%% of the old limit); ",
          d.resource().label(), DemoView.amount(d.current(), unit),
          DemoView.amount(d.desired(), unit), gate(d), at, DemoView.amount(d.usage(), unit),
          (long) Math.floor(100 * p.usageShare()));
      if (p.reachedSecond().isEmpty()) {
        text += "usage never reached the old limit afterwards";
      } else {
        double reached = view.secondsAt(p.reachedSecond().getAsLong() * 1000);
        text += String.format(Locale.ROOT, "usage reached the old limit at %.0f s, %.0f s later%s", reached,
            Math.max(0, reached - at), p.usageShare() >= SATURATED ? " (reactive: saturated when decided)" : "");
      }
      line(p.ahead() ? "ahead" : "provision", text);
    }
    facts.put("pre-provisioned ahead of demand", ahead > 0);

    long rolledBackAnomalies = view.anomalies.stream().filter(DemoView.SeenAnomaly::rolledBack).count();
    line("anomalies", view.anomalies.size() + " detected, " + rolledBackAnomalies + " of them started a rollback");
    for (DemoView.SeenAnomaly a : view.anomalies) {
      line("anomaly", String.format(Locale.ROOT, "%.0f s %s %s score %.2f%s%s", a.at(), a.anomaly().series(),
          a.anomaly().kind().name().toLowerCase(Locale.ROOT), a.anomaly().score(),
          a.anomaly().relatedSeries().isEmpty() ? "" : " (with " + String.join(", ", a.anomaly().relatedSeries()) + ")",
          a.rolledBack() ? " -> rollback" : ""));
    }

    boolean injected = !Double.isNaN(view.faultAt);
    DemoView.SeenAnomaly detection = null;
    if (injected) {
      // the anomaly that started the rollback; else the first one while the fault was on
      for (DemoView.SeenAnomaly a : view.anomalies) {
        boolean during = a.at() >= view.faultAt && (Double.isNaN(view.restoredAt) || a.at() <= view.restoredAt);
        if (during && (detection == null || (a.rolledBack() && !detection.rolledBack()))) {
          detection = a;
        }
      }
    }
    if (!injected) {
      line("fault", "not injected (the run ended before the fault phase)");
    } else if (detection == null) {
      line("fault", String.format(Locale.ROOT, "injected at %.0f s; NOT detected", view.faultAt));
    } else {
      line("fault", String.format(Locale.ROOT, "injected at %.0f s; detected at %.0f s (%.0f s later): %s",
          view.faultAt, detection.at(), detection.at() - view.faultAt, detection.anomaly().explanation()));
    }
    facts.put("fault detected", detection != null);

    DemoView.SeenRollback done = null;
    for (DemoView.SeenRollback r : view.rollbacks) {
      line("rollback", String.format(Locale.ROOT, "started at %.0f s (%s), %s", r.at, r.reason,
          r.outcome.isEmpty() ? "still running" : (r.ok ? "done" : "not done") + String.format(Locale.ROOT, " at %.0f s: ", r.doneAt) + r.outcome));
      if (r.ok && injected && r.at >= view.faultAt && done == null) {
        done = r;
      }
    }
    boolean restored = done != null && !Double.isNaN(view.restoredAt);
    line("rolled back", restored
        ? String.format(Locale.ROOT, "yes, the %s engine restored the ledger at %.0f s (%s)", view.engine,
            view.restoredAt, done.outcome)
        : done != null ? "the " + view.engine + " engine: " + done.outcome + " (the workload restarted from its launch)"
            : "no");
    facts.put("fault rolled back", restored);

    boolean correct = !view.result.isEmpty() && view.result.equals(view.expected);
    line("final state", view.result.isEmpty() ? "no result (the primary did not finish)"
        : correct ? "correct: ledger digest " + view.result + " equals the fault-free run's"
            : "WRONG: ledger digest " + view.result + ", the fault-free run's is " + view.expected);
    facts.put("final state correct", correct);
    view.lastStats.ifPresent(st -> line("cgroup", String.format(Locale.ROOT,
        "throttled %d of %d CPU periods (%.1f s), memory limit hit %d times, %d OOM kills",
        st.cpuThrottledPeriods(), st.cpuPeriods(), st.cpuThrottledTime().toMillis() / 1000.0, st.memoryLimitHits(), st.oomKills())));
  }

  /**
   * P(demand &gt; limit) at the decision, and what let it through the manager's gate: the
   * probability itself, saturation, or a known JVM need above the limit (the decision's reason says which).
   */
  static String gate(Decision d) {
    String p = Double.isFinite(d.probability())
        ? String.format(Locale.ROOT, "P(demand > limit) = %.2f", d.probability()) : "P(demand > limit) unknown (no forecast yet)";
    String reason = d.reason();
    String through = reason.contains(", saturated (usage") || reason.contains("; saturated (usage") ? "saturated"
        : reason.contains(", below the need") ? "below the JVM's need"
        : reason.matches("(?s).*P\\(demand > [^)]*\\) = [0-9.]+ >= [0-9.]+.*") ? "through the gate" : "other";
    return p + " (" + through + ")";
  }

  /** The first second at or after {@code from} where the series is at least {@code level}. */
  private static OptionalLong firstAtOrAbove(Shadow shadow, String primaryId, Canonical series, long from, double level) {
    long newest = shadow.store().newestSecond(primaryId, series.seriesName());
    if (newest == Long.MIN_VALUE || newest < from) {
      return OptionalLong.empty();
    }
    SeriesWindow w = shadow.store().window(primaryId, series.seriesName(), from, newest + 1);
    for (int i = 0; i < w.size(); i++) {
      if (!Double.isNaN(w.value(i)) && w.value(i) >= level) {
        return OptionalLong.of(w.firstSecond() + i);
      }
    }
    return OptionalLong.empty();
  }

  /** Adds what was left behind, once everything is closed. */
  public void cleanup(int exitCode, boolean cgroupLeft, String cgroup, List<Long> processesLeft) {
    line("cleanup", "primary exited with code " + exitCode + "; "
        + (cgroup.isEmpty() ? "no cgroup was made" : (cgroupLeft ? "cgroup LEFT: " : "cgroup removed: ") + cgroup) + "; "
        + (processesLeft.isEmpty() ? "no process left" : "processes LEFT: " + processesLeft));
    facts.put("nothing left behind", !cgroupLeft && processesLeft.isEmpty());
  }

  /** Whether every fact held. */
  public boolean passed() {
    return facts.values().stream().allMatch(b -> b);
  }

  /** Prints the lines and the verdict. */
  public void print(PrintWriter out, String interruptedBy) {
    out.println();
    lines.forEach(out::println);
    List<String> failed = facts.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    String verdict = !interruptedBy.isEmpty() ? "INTERRUPTED by SIG" + interruptedBy
        : failed.isEmpty() ? "PASS (" + String.join(", ", facts.keySet()) + ")"
            : "FAIL (did not hold: " + String.join(", ", failed) + ")";
    out.println("summary: verdict: " + verdict);
    out.flush();
  }

  private void line(String key, String text) {
    lines.add("summary: " + key + ": " + text);
  }
}
