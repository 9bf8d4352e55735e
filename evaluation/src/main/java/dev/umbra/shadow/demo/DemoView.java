package dev.umbra.shadow.demo;

import dev.umbra.allocator.cgroup.CgroupStats;
import dev.umbra.shadow.Shadow;
import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.manager.ActionAudit;
import dev.umbra.shadow.manager.Decision;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.series.SeriesWindow;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's live terminal view and its record of what happened: a header line per phase, a
 * status line every two seconds (usage, the forecast band of the peak, the allocation), and a
 * line per event as it happens (the resource manager's decisions, anomalies, rollbacks, what
 * the primary reports). Events arrive on the shadow's threads; thread-safe.
 */
public final class DemoView {
  /** The horizon of the band shown: the resource manager's lead time. */
  private final Horizon horizon;
  private final PrintWriter out;
  private final DemoPlan plan;
  private final Set<String> rollbackSeries;
  private volatile long startMillis;
  final Object lock = new Object();

  // what happened, for the summary
  final List<Decision> changes = new ArrayList<>();
  final List<SeenAnomaly> anomalies = new ArrayList<>();
  final List<SeenRollback> rollbacks = new ArrayList<>();
  final Set<String> models = new TreeSet<>();
  final Set<String> primaryIds = new LinkedHashSet<>();
  final Set<Long> pids = new LinkedHashSet<>();
  final Map<Decision.Resource, String> lastRefusal = new HashMap<>();
  final Map<Decision.Resource, Double> lastRefusalAt = new HashMap<>();
  int viewForecasts;
  int managerForecasts;
  int checkpoints;
  int knownGood;
  String engine = "restart";
  String phase = "starting";
  double faultAt = Double.NaN;
  double restoredAt = Double.NaN;
  String result = "";
  String expected = "";
  Optional<CgroupStats> lastStats = Optional.empty();
  Optional<CgroupStats> firstStats = Optional.empty();

  /** An anomaly as the view saw it: when (seconds since the start) and whether it started a rollback. */
  record SeenAnomaly(double at, Anomaly anomaly, boolean rolledBack) {}

  /** A rollback: when it started, why, and what became of it (empty while it runs). */
  static final class SeenRollback {
    final double at;
    final String reason;
    volatile String outcome = "";
    volatile boolean ok;
    volatile double doneAt = Double.NaN;

    SeenRollback(double at, String reason) {
      this.at = at;
      this.reason = reason;
    }
  }

  public DemoView(PrintWriter out, DemoPlan plan, Set<String> rollbackSeries, Duration lead, long startMillis) {
    this.out = out;
    this.plan = plan;
    this.rollbackSeries = Set.copyOf(rollbackSeries);
    this.horizon = new Horizon((int) Math.max(1, lead.toSeconds()), Duration.ofSeconds(1));
    this.startMillis = startMillis;
  }

  /** The plan's clock starts now: the primary streams and its workload begins its phases. */
  public void begin() {
    startMillis = System.currentTimeMillis();
    note(String.format(Locale.ROOT, "umbra demo: the primary streams; its %d s plan starts now (times below are from here)",
        plan.seconds()));
  }

  double now() {
    return (System.currentTimeMillis() - startMillis) / 1000.0;
  }

  double secondsAt(long epochMillis) {
    return (epochMillis - startMillis) / 1000.0;
  }

  long startMillis() {
    return startMillis;
  }

  /** A line of the run's own, e.g. {@code umbra demo: shadow on ...}. */
  public void note(String line) {
    synchronized (lock) {
      out.println(line);
      out.flush();
    }
  }

  private void event(String what, String text) {
    synchronized (lock) {
      out.printf(Locale.ROOT, "  >> %4.0fs %-10s %s%n", now(), what, text);
      out.flush();
    }
  }

  /** A line the primary printed. */
  public void primaryLine(String line) {
    if (line.startsWith("phase ")) {
      String name = line.substring(6).trim();
      synchronized (lock) {
        phase = name;
        Optional<DemoPlan.Phase> p = plan.named(name);
        out.printf(Locale.ROOT, "-- %4.0fs phase %s%s%n", now(), name,
            p.map(x -> ": " + x.title() + " (" + x.fromSecond() + "-" + x.toSecond() + " s)")
                .orElse(": the ledger is restored, the fault's threads and memory are gone"));
        out.flush();
      }
    } else if (line.startsWith("fault injected")) {
      synchronized (lock) {
        faultAt = now();
      }
      event("fault", line);
    } else if (line.startsWith("restored at step")) {
      synchronized (lock) {
        restoredAt = now();
      }
      event("primary", line);
    } else if (line.startsWith("result ")) {
      String[] w = line.split(" ");
      synchronized (lock) {
        result = w.length > 1 ? w[1] : "";
        expected = w.length > 3 ? w[3] : "";
      }
      event("primary", line);
    } else if (!line.isBlank()) {
      event("primary", line);
    }
  }

  /** A message of the supervisor. Periodic checkpoints are counted, not printed. */
  public void said(String message) {
    if (message.startsWith("checkpoint ") && message.endsWith(" taken")) {
      synchronized (lock) {
        checkpoints++;
      }
      return;
    }
    Matcher pid = Pattern.compile("^primary pid (\\d+) ").matcher(message);
    if (pid.find()) {
      synchronized (lock) {
        pids.add(Long.parseLong(pid.group(1)));
      }
    }
    if (message.contains("engine app")) {
      synchronized (lock) {
        engine = "app";
      }
    }
    event("supervisor", message);
  }

  /** A decision of the resource manager: changes printed, refusals and recommendations when they change. */
  public void decision(Decision d) {
    if (d.model().equals(ActionAudit.MODEL)) {
      return; // the action policy's: its anomalies and rollbacks have lines of their own
    }
    if (!d.model().equals("-") && !d.model().equals("live-set")) {
      synchronized (lock) {
        managerForecasts++;
        models.add(d.model());
      }
    }
    switch (d.action()) {
      case HOLD -> { }
      case REFUSED -> {
        synchronized (lock) {
          // the same refusal comes every tick, its numbers moving: at most one line per 30 s
          Double last = lastRefusalAt.get(d.resource());
          if (last != null && now() - last < 30) {
            return;
          }
          lastRefusalAt.put(d.resource(), now());
        }
        event("refused", d.resource().label() + ": " + d.reason());
      }
      default -> {
        synchronized (lock) {
          if (d.action() == Decision.Action.RECOMMEND) {
            // nothing is applied, so the same recommendation comes every tick: print it when it changes
            String said = String.format(Locale.ROOT, "%.2g", d.desired());
            if (said.equals(lastRefusal.put(d.resource(), said))) {
              return;
            }
          }
          changes.add(d);
        }
        String unit = d.resource() == Decision.Resource.CPU ? "cores" : "bytes";
        event(d.action() == Decision.Action.SCALE_UP ? "provision" : d.action().name().toLowerCase(Locale.ROOT).replace('_', '-'),
            String.format(Locale.ROOT, "%s %s -> %s (usage %s)%s: %s", d.resource().label(),
                amount(d.current(), unit), amount(d.desired(), unit), amount(d.usage(), unit),
                d.applied() ? "" : " [not in effect]", d.reason()));
      }
    }
  }

  /** An anomaly of the detector; the rollback it started, if any, was recorded just before. */
  public void anomaly(Anomaly a) {
    boolean rolledBack;
    synchronized (lock) {
      rolledBack = rollbacks.stream().anyMatch(r -> r.reason.startsWith("anomaly " + a.id() + ":"));
      anomalies.add(new SeenAnomaly(now(), a, rolledBack));
    }
    boolean eligible = rollbackSeries.isEmpty() || rollbackSeries.stream().anyMatch(a::involves);
    String kind = a.kind().name().toLowerCase(Locale.ROOT);
    event("anomaly", String.format(Locale.ROOT, "%s %s score %.2f%s: %s -> %s", a.series(), kind, a.score(),
        a.relatedSeries().isEmpty() ? "" : " (with " + String.join(", ", a.relatedSeries()) + ")",
        a.explanation(),
        rolledBack ? "rollback" : eligible ? "no rollback (policy: cooldown, budget or one already running)"
            : "no rollback (not a rollback series: demand changes are the resource manager's)"));
  }

  /** An automatic rollback that just started. */
  public void rollbackStarted(String reason, CompletableFuture<String> outcome) {
    SeenRollback r = new SeenRollback(now(), reason);
    synchronized (lock) {
      rollbacks.add(r);
    }
    event("rollback", "started: " + reason);
    outcome.whenComplete((what, failure) -> {
      r.doneAt = now();
      r.ok = failure == null && !what.startsWith("nothing");
      r.outcome = failure == null ? what : "failed: " + rootMessage(failure);
      event("rollback", (r.ok ? "done: " : "") + r.outcome);
    });
  }

  /** Prints the column header. */
  public void header() {
    note(String.format(Locale.ROOT, "%6s %-14s %-31s %-30s %5s %11s %4s %5s", "TIME", "PHASE",
        "CPU cores: used [p05-p95] /limit", "MEMORY MiB: rss [p05-p95] /limit", "HEAP", "DISK+NET", "THR", "CKPT"));
    note(String.format(Locale.ROOT, "%6s %-14s %-31s %-30s %5s %11s %4s %5s", "", "",
        "(forecast peak, next " + horizon.steps() + " s)", "", "MiB", "MB/s", "", "known"));
  }

  /** One status line from the shadow's store and forecasts and the cgroup. */
  public void status(Shadow shadow, Optional<String> primaryId, long pid, Optional<CgroupStats> stats) {
    if (pid > 0) {
      synchronized (lock) {
        pids.add(pid);
      }
    }
    stats.ifPresent(s -> {
      synchronized (lock) {
        lastStats = Optional.of(s);
        if (firstStats.isEmpty()) {
          firstStats = Optional.of(s);
        }
      }
    });
    if (primaryId.isEmpty()) {
      return;
    }
    String id = primaryId.get();
    boolean fresh;
    synchronized (lock) {
      fresh = primaryIds.add(id);
    }
    if (fresh) {
      event("connected", "primary " + id + " streams to the shadow");
    }
    double cpu = latest(shadow, id, Canonical.CPU_PROCESS);
    double rss = latest(shadow, id, Canonical.MEM_RSS);
    double io = sum(latest(shadow, id, Canonical.IO_DISK_READ), latest(shadow, id, Canonical.IO_DISK_WRITE),
        latest(shadow, id, Canonical.IO_NET_RX), latest(shadow, id, Canonical.IO_NET_TX));
    String cpuBand = band(shadow, id, Canonical.CPU_PROCESS, 1, "%.2f");
    String rssBand = band(shadow, id, Canonical.MEM_RSS, 1 << 20, "%.0f");
    String cpuLimit = "none";
    String memLimit = "none";
    if (stats.isPresent() && stats.get().cpuQuotaCores().isPresent()) {
      cpuLimit = String.format(Locale.ROOT, "%.2f", stats.get().cpuQuotaCores().getAsDouble());
    }
    if (stats.isPresent() && stats.get().memoryLimitBytes().isPresent()) {
      memLimit = String.format(Locale.ROOT, "%.0f", stats.get().memoryLimitBytes().getAsLong() / 1048576.0);
    }
    String phaseNow;
    synchronized (lock) {
      phaseNow = phase;
    }
    double t = now();
    DemoPlan.Phase planned = plan.at(t);
    String progress = phaseNow.equals(planned.name())
        ? String.format(Locale.ROOT, "%s %d/%ds", phaseNow, (long) (t - planned.fromSecond()), planned.seconds())
        : phaseNow;
    String ckpt;
    synchronized (lock) {
      ckpt = checkpoints + "/" + knownGood;
    }
    note(String.format(Locale.ROOT, "%5.0fs %-14s %-31s %-30s %5.0f %11.1f %4.0f %5s", t, progress,
        String.format(Locale.ROOT, "%5.2f %-15s /%s", cpu, cpuBand, cpuLimit),
        String.format(Locale.ROOT, "%5.0f %-13s /%s", rss / 1048576.0, rssBand, memLimit),
        latest(shadow, id, Canonical.MEM_HEAP_USED) / 1048576.0, io / 1e6, latest(shadow, id, Canonical.THREADS_LIVE), ckpt));
  }

  /** The pids of the primary's processes seen so far. */
  public List<Long> pids() {
    synchronized (lock) {
      return List.copyOf(pids);
    }
  }

  /** Checkpoint counts from the store, when it can be read. */
  public void checkpointsKnownGood(int count) {
    synchronized (lock) {
      knownGood = count;
    }
  }

  private String band(Shadow shadow, String id, Canonical series, double scale, String format) {
    try {
      QuantileForecast f = shadow.forecasts().forecast(id, series.seriesName(), horizon, QuantileLevels.DEFAULT);
      synchronized (lock) {
        viewForecasts++;
        models.add(f.model());
      }
      return "[" + String.format(Locale.ROOT, format, f.peakAt(0.05) / scale) + "-"
          + String.format(Locale.ROOT, format, f.peakAt(0.95) / scale) + "]";
    } catch (Exception e) {
      return "[learning]"; // too little history yet
    }
  }

  static double latest(Shadow shadow, String primaryId, Canonical series) {
    long newest = shadow.store().newestSecond(primaryId, series.seriesName());
    if (newest == Long.MIN_VALUE) {
      return Double.NaN;
    }
    SeriesWindow w = shadow.store().window(primaryId, series.seriesName(), newest, newest + 1);
    return w.size() == 0 ? Double.NaN : w.value(0);
  }

  private static double sum(double... values) {
    double s = 0;
    for (double v : values) {
      s += Double.isNaN(v) ? 0 : v;
    }
    return s;
  }

  static String amount(double value, String unit) {
    if (Double.isNaN(value)) {
      return "unlimited";
    }
    return unit.equals("bytes")
        ? String.format(Locale.ROOT, "%.0f MiB", value / 1048576.0)
        : String.format(Locale.ROOT, "%.2f cores", value);
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && (t instanceof CompletionException
        || t instanceof ExecutionException)) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
