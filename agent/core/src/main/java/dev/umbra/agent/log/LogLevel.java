package dev.umbra.agent.log;

import java.util.Locale;

/** Agent log levels, most severe first. */
public enum LogLevel {
  ERROR,
  WARN,
  INFO,
  DEBUG;

  /** Parses {@code error|warn|info|debug}, any case; empty when unknown. */
  public static java.util.Optional<LogLevel> parse(String text) {
    for (LogLevel level : values()) {
      if (level.name().equals(text.trim().toUpperCase(Locale.ROOT))) {
        return java.util.Optional.of(level);
      }
    }
    return java.util.Optional.empty();
  }

  boolean includes(LogLevel other) {
    return other.ordinal() <= ordinal();
  }
}
