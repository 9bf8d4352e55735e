package dev.umbra.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.testing.CapturedStream;
import dev.umbra.agent.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentLogTest {
  private final CapturedStream out = new CapturedStream();
  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");

  @Test
  void writesPrefixLevelAndMessage_atWarnByDefault() {
    AgentLog log = new AgentLog(out.stream(), clock, LogLevel.WARN);

    log.log(LogLevel.WARN, "shadow gone", null);
    log.log(LogLevel.INFO, "connected", null);

    assertThat(out.printed()).isEqualTo("umbra-agent WARN shadow gone" + System.lineSeparator());
  }

  @Test
  void printsARepeatedMessageOncePerMinute_thenSaysHowManyWereSuppressed() {
    AgentLog log = new AgentLog(out.stream(), clock, LogLevel.WARN);

    log.log(LogLevel.WARN, "same", null);
    log.log(LogLevel.WARN, "same", null);
    log.log(LogLevel.WARN, "same", null);
    clock.advance(Duration.ofMinutes(1));
    log.log(LogLevel.WARN, "same", null);

    assertThat(out.printed().lines()).containsExactly("umbra-agent WARN same", "umbra-agent WARN same (2 more since last shown)");
  }
}
