package dev.umbra.agent.log;

import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * What the shaded gRPC, Netty, Guava and protobuf call when their source says
 * {@code java.util.logging.Logger}: the shade plugin relocates every reference to that class here
 * (agent/core/pom.xml), as the Cryostat agent does. Their records go to {@link AgentLog}, SEVERE as
 * ERROR, WARNING as WARN, INFO as INFO; finer levels are dropped. The JDK's {@code LogManager} is
 * never started by the agent: it would read the application's logging configuration, fix the
 * {@code LogManager} class before the application could choose its own, and load ~40 classes
 * (agent/BENCHMARK.md, run 18). {@code Level} and {@code LogRecord} stay the JDK's (they start
 * nothing). Only the methods the shaded code calls; {@code AgentJarIT} checks that no other
 * reference to the JDK's logger is left. Thread-safe; never throws.
 */
public final class JulLogger {
  private final String name;
  private final AgentLog log; // null: the process-wide one at the time of the call

  private JulLogger(String name, AgentLog log) {
    this.name = name;
    this.log = log;
  }

  public static JulLogger getLogger(String name) {
    return new JulLogger(name, null);
  }

  /** A logger writing to {@code log} instead of the process-wide one; for tests. */
  static JulLogger writingTo(String name, AgentLog log) {
    return new JulLogger(name, log);
  }

  public String getName() {
    return name;
  }

  public boolean isLoggable(Level level) {
    LogLevel at = agentLevel(level);
    return at != null && sink().includes(at);
  }

  public void log(Level level, String message) {
    publish(level, message, null, null);
  }

  public void log(Level level, String message, Throwable thrown) {
    publish(level, message, null, thrown);
  }

  public void log(Level level, String message, Object parameter) {
    publish(level, message, new Object[] {parameter}, null);
  }

  public void log(Level level, String message, Object[] parameters) {
    publish(level, message, parameters, null);
  }

  public void log(LogRecord record) {
    publish(record.getLevel(), record.getMessage(), record.getParameters(), record.getThrown());
  }

  public void warning(String message) {
    publish(Level.WARNING, message, null, null);
  }

  public void info(String message) {
    publish(Level.INFO, message, null, null);
  }

  public void fine(String message) {
    publish(Level.FINE, message, null, null);
  }

  public void finer(String message) {
    publish(Level.FINER, message, null, null);
  }

  private void publish(Level level, String message, Object[] parameters, Throwable thrown) {
    LogLevel at = agentLevel(level);
    AgentLog sink = sink();
    if (at == null || !sink.includes(at)) {
      return;
    }
    sink.log(at, name + ": " + format(message, parameters), thrown);
  }

  private AgentLog sink() {
    return log != null ? log : AgentLog.current();
  }

  private static LogLevel agentLevel(Level level) {
    int value = level == null ? Level.INFO.intValue() : level.intValue();
    if (value >= Level.SEVERE.intValue()) {
      return LogLevel.ERROR;
    }
    if (value >= Level.WARNING.intValue()) {
      return LogLevel.WARN;
    }
    return value >= Level.INFO.intValue() ? LogLevel.INFO : null;
  }

  /** JUL's {@code {0}}, {@code {1}}… placeholders, without {@code java.text.MessageFormat}'s grammar. */
  static String format(String message, Object[] parameters) {
    if (message == null || parameters == null || parameters.length == 0 || message.indexOf('{') < 0) {
      return String.valueOf(message);
    }
    StringBuilder out = new StringBuilder(message.length() + 16 * parameters.length);
    int i = 0;
    while (i < message.length()) {
      char c = message.charAt(i);
      int close = c == '{' ? message.indexOf('}', i) : -1;
      int index = close > i + 1 ? parameterIndex(message, i + 1, close) : -1;
      if (index >= 0 && index < parameters.length) {
        out.append(parameters[index]);
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static int parameterIndex(String message, int from, int to) {
    if (to - from > 2) {
      return -1;
    }
    int index = 0;
    for (int i = from; i < to; i++) {
      char digit = message.charAt(i);
      if (digit < '0' || digit > '9') {
        return -1;
      }
      index = index * 10 + (digit - '0');
    }
    return index;
  }
}
