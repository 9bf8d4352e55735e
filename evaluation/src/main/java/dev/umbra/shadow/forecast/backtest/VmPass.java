package dev.umbra.shadow.forecast.backtest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One pass of the hourly backtest over a trace source's VMs, one VM at a time, that never stops
 * for one VM: a trace that cannot be read or scored, or a model that fails on it, is recorded in
 * {@link SkippedVms} with one line on the progress output and its rows and limits are dropped.
 * Not thread-safe.
 */
public final class VmPass {
  private final TraceSource source;
  private final List<TraceResource> resources;
  private final HourlyBacktest backtest;
  private final LimitFile limits;
  private final SkippedVms skipped = new SkippedVms();
  private final ProgressBar progress;
  private final List<VmResult> results = new ArrayList<>();
  private final long[] counts = new long[4];
  private int used;

  /** @param limits where to write limits ({@code --emit-limits}), or null */
  public VmPass(TraceSource source, List<TraceResource> resources, HourlyBacktest backtest, LimitFile limits,
      ProgressBar progress) {
    this.source = Objects.requireNonNull(source, "source");
    this.resources = List.copyOf(resources);
    this.backtest = Objects.requireNonNull(backtest, "backtest");
    this.limits = limits;
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /**
   * Reads one trace and checks that at least one period can be scored; notes repairs. Null, with
   * the VM recorded as skipped, when it cannot be used.
   */
  public VmTrace readUsable(String id) {
    String where = source.where(id);
    VmTrace vm;
    try {
      vm = source.read(id);
    } catch (IOException | RuntimeException e) {
      skip(skipped.add(id, where, e));
      return null;
    }
    String unscorable = backtest.unscorable(vm);
    if (unscorable != null) {
      skip(skipped.add(id, where, unscorable));
      return null;
    }
    if (!vm.repairs().isEmpty()) {
      progress.note("umbra backtest: vm " + id + ": " + vm.repairs().describe());
    }
    return vm;
  }

  /**
   * Backtests every resource of one VM; its rows and limits are kept only if it scores at least
   * one hour and nothing fails, otherwise it is recorded as skipped. Whether it was kept.
   *
   * @param fan records the plotted VM's hours, or null
   */
  public boolean run(VmTrace vm, FanRecorder fan) {
    List<VmResult> rows = new ArrayList<>();
    long[] vmCounts = new long[4];
    String where = source.where(vm.id());
    try {
      for (TraceResource r : resources) {
        HourlyBacktest.Result result = backtest.run(vm, r, limits, fan);
        rows.addAll(result.rows());
        vmCounts[0] += result.counts().hours();
        vmCounts[1] += result.counts().scored();
        vmCounts[2] += result.counts().gapSkipped();
        vmCounts[3] += result.counts().unforecastable();
      }
    } catch (RuntimeException e) {
      discardLimits();
      String m = e.getMessage() == null ? "" : ": " + e.getMessage().replace('\n', ' ');
      skip(skipped.add(vm.id(), where, "backtest failed: " + e.getClass().getSimpleName() + m));
      return false;
    }
    if (vmCounts[1] == 0) {
      discardLimits();
      skip(skipped.add(vm.id(), where, "no hour could be scored (" + vmCounts[2] + " touch a gap, " + vmCounts[3]
          + " unforecastable)"));
      return false;
    }
    if (limits != null) {
      limits.commit();
    }
    results.addAll(rows);
    for (int c = 0; c < counts.length; c++) {
      counts[c] += vmCounts[c];
    }
    used++;
    return true;
  }

  private void skip(SkippedVms.Skip s) {
    progress.note("umbra backtest: skipped " + s.line());
  }

  private void discardLimits() {
    if (limits != null) {
      limits.discard();
    }
  }

  /** Scored rows of the VMs kept so far. */
  public List<VmResult> results() {
    return List.copyOf(results);
  }

  /** Hours seen, scored, skipped at gaps and unforecastable, summed over kept VMs and resources. */
  public HourlyBacktest.Counts counts() {
    return new HourlyBacktest.Counts(counts[0], counts[1], counts[2], counts[3]);
  }

  /** VMs kept so far. */
  public int used() {
    return used;
  }

  public SkippedVms skipped() {
    return skipped;
  }
}
