package dev.umbra.allocator.log;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ApplyResult.Status;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records decisions and keeps the recorded allocation per target; applies nothing. Every kind
 * (CPU, memory, heap, disk read and write bandwidth) is recorded and logged alike.
 */
final class LogAllocator implements Allocator {

  private static final System.Logger logger = System.getLogger(LogAllocator.class.getName());
  private static final Set<ResourceKind> SUPPORTS = Set.copyOf(EnumSet.allOf(ResourceKind.class));

  private final Clock clock;
  private final Allocation baseline;
  private final int historySize;
  private final Map<Target, Allocation> recorded = new HashMap<>();
  private final Deque<LogEntry> history = new ArrayDeque<>();

  LogAllocator(Clock clock, Allocation baseline, int historySize) {
    this.clock = clock;
    this.baseline = baseline;
    this.historySize = historySize;
  }

  @Override
  public Set<ResourceKind> supports() {
    return SUPPORTS;
  }

  /** The last recorded allocation of the target, or the baseline if none was recorded yet. */
  @Override
  public synchronized Allocation current(Target target) {
    return recorded.getOrDefault(target, baseline);
  }

  @Override
  public synchronized ApplyResult apply(Target target, Allocation desired) throws AllocatorException {
    if (desired.isEmpty()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "nothing to record: the desired allocation is empty");
    }
    Allocation previous = current(target);
    Allocation next = previous.with(desired);
    if (next.equals(previous)) {
      logger.log(Level.DEBUG, () -> "allocator=log primary=" + target.primaryId() + " unchanged: " + next);
      return new ApplyResult(Status.RECOMMENDED_ONLY, next, "recorded only, nothing applied: " + next + " is already the recorded allocation");
    }
    recorded.put(target, next);
    history.addLast(new LogEntry(clock.instant(), target, previous, next));
    while (history.size() > historySize) {
      history.removeFirst();
    }
    logger.log(Level.INFO, () -> "allocator=log primary=" + target.primaryId() + " " + describe(target) + " from " + previous + " to " + next
        + " (recorded only, nothing applied)");
    return new ApplyResult(Status.RECOMMENDED_ONLY, next, "recorded only, nothing applied: " + previous + " -> " + next);
  }

  /** The recorded decisions, oldest first, at most the configured history size. */
  synchronized List<LogEntry> decisions() {
    return List.copyOf(history);
  }

  private static String describe(Target target) {
    StringBuilder where = new StringBuilder();
    target.pid().ifPresent(pid -> where.append("pid=").append(pid).append(' '));
    target.cgroup().ifPresent(cgroup -> where.append("cgroup=").append(cgroup).append(' '));
    target.pod().ifPresent(pod -> where.append("pod=").append(pod).append(' '));
    return where.toString().strip();
  }

  @Override
  public void close() {
    // holds no resources
  }
}
