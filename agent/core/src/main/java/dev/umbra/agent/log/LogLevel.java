package dev.umbra.agent.log;

import java.util.Locale;
import java.util.Optional;

/** Agent log levels, most severe first. */
public enum LogLevel {
  ERROR,
  WARN,
  INFO,
  DEBUG;

  /** Parses {@code error|warn|info|debug}, any case; empty when unknown. */
  public static Optional<LogLevel> parse(String text) {
    for (LogLevel level : values()) {
      if (level.name().equals(text.trim().toUpperCase(Locale.ROOT))) {
        return Optional.of(level);
      }
    }
    return Optional.empty();
  }

  boolean includes(LogLevel other) {
    return other.ordinal() <= ordinal();
  }
}
