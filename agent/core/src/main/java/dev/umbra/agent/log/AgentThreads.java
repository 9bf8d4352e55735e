package dev.umbra.agent.log;

import dev.umbra.agent.bootstrap.AgentThread;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one factory for agent threads: daemons named {@code umbra-<role>} (with {@code -<n>} when
 * a role has several), of the {@link AgentThread} type the I/O advice skips, with an uncaught
 * handler that logs.
 */
public final class AgentThreads implements ThreadFactory {
  /** The agent threads made so far, by id (terminated ones removed whenever a thread is made or listed). */
  private static final Map<Long, Thread> created = new ConcurrentHashMap<>();

  private final String role;
  private final boolean numbered;
  private final AtomicInteger count = new AtomicInteger();

  private AgentThreads(String role, boolean numbered) {
    this.role = role;
    this.numbered = numbered;
  }

  /** A factory for one thread named {@code umbra-<role>}. */
  public static AgentThreads single(String role) {
    return new AgentThreads(role, false);
  }

  /** A factory for threads named {@code umbra-<role>-<n>}. */
  public static AgentThreads numbered(String role) {
    return new AgentThreads(role, true);
  }

  @Override
  public Thread newThread(Runnable task) {
    String name = "umbra-" + role + (numbered ? "-" + count.incrementAndGet() : "");
    AgentThread thread = new AgentThread(task, name);
    thread.setUncaughtExceptionHandler(
        (t, e) -> AgentLog.error("thread " + t.getName() + " died", e));
    created.values().removeIf(t -> t.getState() == Thread.State.TERMINATED);
    created.put(thread.getId(), thread);
    return thread;
  }

  /** Ids of the agent threads alive now, for measuring the agent's own CPU time. */
  public static long[] liveThreadIds() {
    created.values().removeIf(t -> t.getState() == Thread.State.TERMINATED);
    return created.keySet().stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Whether the thread with this id is one of the agent's (alive, or terminated since the last
   * thread was made): what the agent itself does must not be reported as the application's.
   */
  public static boolean isAgentThread(long threadId) {
    return created.containsKey(threadId);
  }
}
