package dev.umbra.agent.log;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes {@code umbra-agent <LEVEL> <message>} lines to stderr. One per process (the agent is
 * one per JVM), configured once from the agent's config; WARN until then. The same message text
 * is printed at most once per {@link #REPEAT_AFTER}; the next print says how many were
 * suppressed. Thread-safe; never throws.
 */
public final class AgentLog {
  static final Duration REPEAT_AFTER = Duration.ofMinutes(1);
  private static final int MAX_TRACKED = 512;

  private static volatile AgentLog shared = new AgentLog(System.err, Clock.systemUTC(), LogLevel.WARN);

  private final PrintStream out;
  private final Clock clock;
  private final LogLevel level;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  AgentLog(PrintStream out, Clock clock, LogLevel level) {
    this.out = out;
    this.clock = clock;
    this.level = level;
  }

  /** Sets the level of the process-wide logger. */
  public static void configure(LogLevel level) {
    shared = new AgentLog(System.err, Clock.systemUTC(), level);
  }

  public static void error(String message) {
    shared.log(LogLevel.ERROR, message, null);
  }

  public static void error(String message, Throwable cause) {
    shared.log(LogLevel.ERROR, message, cause);
  }

  public static void warn(String message) {
    shared.log(LogLevel.WARN, message, null);
  }

  public static void warn(String message, Throwable cause) {
    shared.log(LogLevel.WARN, message, cause);
  }

  public static void info(String message) {
    shared.log(LogLevel.INFO, message, null);
  }

  public static void debug(String message) {
    shared.log(LogLevel.DEBUG, message, null);
  }

  public static boolean isDebug() {
    return shared.level == LogLevel.DEBUG;
  }

  /** The process-wide logger as configured now. */
  static AgentLog current() {
    return shared;
  }

  boolean includes(LogLevel at) {
    return level.includes(at);
  }

  void log(LogLevel at, String message, Throwable cause) {
    try {
      if (!level.includes(at)) {
        return;
      }
      Instant now = clock.instant();
      if (seen.size() > MAX_TRACKED) {
        seen.clear();
      }
      Seen previous = seen.get(message);
      if (previous != null && now.isBefore(previous.at.plus(REPEAT_AFTER))) {
        previous.suppressed++;
        return;
      }
      long suppressed = previous == null ? 0 : previous.suppressed;
      seen.put(message, new Seen(now));
      StringBuilder line = new StringBuilder("umbra-agent ").append(at).append(' ').append(message);
      if (cause != null) {
        line.append(": ").append(cause);
      }
      if (suppressed > 0) {
        line.append(" (").append(suppressed).append(" more since last shown)");
      }
      out.println(line);
      if (cause != null && level == LogLevel.DEBUG) {
        cause.printStackTrace(out);
      }
    } catch (RuntimeException e) {
      // logging must never hurt the application
    }
  }

  private static final class Seen {
    final Instant at;
    long suppressed;

    Seen(Instant at) {
      this.at = at;
    }
  }
}
