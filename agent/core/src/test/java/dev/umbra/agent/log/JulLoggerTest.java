package dev.umbra.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.testing.CapturedStream;
import dev.umbra.agent.testing.MutableClock;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JulLoggerTest {
  private final CapturedStream out = new CapturedStream();
  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");

  @Test
  void sendsWarningsAndErrorsToTheAgentLog_withTheLoggerName_andDropsFinerLevels() {
    JulLogger logger = JulLogger.writingTo("shaded.io.grpc.Channel", new AgentLog(out.stream(), clock, LogLevel.WARN));

    logger.log(Level.WARNING, "transport failed", new IOException("reset"));
    logger.log(Level.SEVERE, "channel not shut down");
    logger.log(Level.INFO, "connected");
    logger.fine("frame sent");

    assertThat(out.printed().lines()).containsExactly(
        "umbra-agent WARN shaded.io.grpc.Channel: transport failed: java.io.IOException: reset",
        "umbra-agent ERROR shaded.io.grpc.Channel: channel not shut down");
  }

  @Test
  void isLoggable_followsTheAgentLogLevel() {
    JulLogger atWarn = JulLogger.writingTo("x", new AgentLog(out.stream(), clock, LogLevel.WARN));
    JulLogger atDebug = JulLogger.writingTo("x", new AgentLog(out.stream(), clock, LogLevel.DEBUG));

    assertThat(atWarn.isLoggable(Level.WARNING)).isTrue();
    assertThat(atWarn.isLoggable(Level.INFO)).isFalse();
    assertThat(atDebug.isLoggable(Level.INFO)).isTrue();
    assertThat(atDebug.isLoggable(Level.FINE)).isFalse();
  }

  @Test
  void fillsJulPlaceholders_fromParametersAndRecords() {
    JulLogger logger = JulLogger.writingTo("n", new AgentLog(out.stream(), clock, LogLevel.WARN));
    LogRecord record = new LogRecord(Level.WARNING, "from a record {0}");
    record.setParameters(new Object[] {7});
    record.setThrown(new IllegalStateException("x"));

    logger.log(Level.WARNING, "[{0}] lost {1} of {0}, {2} {x} {", new Object[] {"a", 3});
    logger.log(Level.WARNING, "one {0}", (Object) "b");
    logger.log(record);

    assertThat(out.printed().lines()).containsExactly(
        "umbra-agent WARN n: [a] lost 3 of a, {2} {x} {",
        "umbra-agent WARN n: one b",
        "umbra-agent WARN n: from a record 7: java.lang.IllegalStateException: x");
  }
}
