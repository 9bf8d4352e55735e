package dev.umbra.agent.bootstrap;

/**
 * A thread the agent owns. The I/O advice skips calls made on these threads so that the
 * agent's own traffic to the shadow and its reads of {@code /proc} are never counted as the
 * application's. Always a daemon.
 */
public final class AgentThread extends Thread {
  public AgentThread(Runnable task, String name) {
    super(null, task, name, 0, false);
    setDaemon(true);
  }

  /** True when the calling thread belongs to the agent; one type check. */
  public static boolean current() {
    return Thread.currentThread() instanceof AgentThread;
  }
}
