package dev.umbra.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.agent.log.LogLevel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  @Test
  void usesDefaults_whenNothingIsGiven() throws Exception {
    AgentConfig config = AgentConfig.parse(null, Map.of(), Map.of());

    assertThat(config).isEqualTo(AgentConfig.defaults());
    assertThat(config.shadow().first()).isEqualTo(new ShadowAddress("127.0.0.1", 7070));
    assertThat(config.sampling().criticality()).isEqualTo(Criticality.NORMAL);
    assertThat(config.sampling().batchPeriod()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.sampling().gaugePeriod()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void parsesEveryAgentOption() throws Exception {
    AgentConfig config = AgentConfig.parse(
        "shadow=shadow.local:7171,criticality=high,batch.period=500ms,gauge.period=2s,"
            + "execution.period=off,histogram.period=10m,top.classes=7,io.threshold=5ms,"
            + "contention.threshold=1s,buffer.batches=42,io.hooks=false,jfr=false,log=debug,"
            + "tags=team:db;env:test,stack.depth=3,start.delay=500ms",
        Map.of(), Map.of());

    assertThat(config.shadow().first()).isEqualTo(new ShadowAddress("shadow.local", 7171));
    Sampling s = config.sampling();
    assertThat(s.criticality()).isEqualTo(Criticality.HIGH);
    assertThat(s.batchPeriod()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.gaugePeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.executionSamplesOn()).isFalse();
    assertThat(s.classHistogramPeriod()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.topClasses()).isEqualTo(7);
    assertThat(s.ioEventThreshold()).isEqualTo(Duration.ofMillis(5));
    assertThat(s.contentionThreshold()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.bufferBatches()).isEqualTo(42);
    assertThat(config.ioHooks()).isFalse();
    assertThat(config.jfr()).isFalse();
    assertThat(config.logLevel()).isEqualTo(LogLevel.DEBUG);
    assertThat(config.tags()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "db", "env", "test"));
    assertThat(config.stackDepth()).isEqualTo(3);
    assertThat(config.startDelay()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void startDelay_defaultsToTheMeasuredValue_andOffStartsAtOnce() throws Exception {
    assertThat(AgentConfig.parse(null, Map.of(), Map.of()).startDelay()).isEqualTo(AgentConfig.DEFAULT_START_DELAY);
    assertThat(AgentConfig.parse("start.delay=off", Map.of(), Map.of()).startDelay()).isZero();
    assertThat(AgentConfig.parse(null, Map.of("umbra.start.delay", "3s"), Map.of()).startDelay())
        .isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(() -> AgentConfig.parse("start.delay=soon", Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("start.delay");
  }

  @Test
  void ioDetail_isSampledBelowHigh_fullAtHigh_andCanBeSetOnItsOwn() throws Exception {
    assertThat(AgentConfig.parse(null, Map.of(), Map.of()).ioDetail()).isEqualTo(IoDetail.SAMPLED);
    assertThat(AgentConfig.parse("criticality=low", Map.of(), Map.of()).ioDetail()).isEqualTo(IoDetail.SAMPLED);
    assertThat(AgentConfig.parse("criticality=high", Map.of(), Map.of()).ioDetail()).isEqualTo(IoDetail.FULL);
    assertThat(AgentConfig.parse("io.detail=full,criticality=normal", Map.of(), Map.of()).ioDetail())
        .isEqualTo(IoDetail.FULL);
    assertThat(AgentConfig.parse("criticality=high,io.detail=off", Map.of(), Map.of()).ioDetail())
        .isEqualTo(IoDetail.OFF);
    assertThatThrownBy(() -> AgentConfig.parse("io.detail=some", Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("io.detail");
  }

  @Test
  void allocSamples_overridesThePresetThrottle_andZeroSwitchesItOff() throws Exception {
    assertThat(AgentConfig.parse("alloc.samples=7", Map.of(), Map.of()).sampling().allocationSamplesPerSecond())
        .isEqualTo(7);
    assertThat(AgentConfig.parse("alloc.samples=0", Map.of(), Map.of()).sampling().allocationSamplesOn()).isFalse();
    assertThatThrownBy(() -> AgentConfig.parse("alloc.samples=-1", Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alloc.samples");
  }

  @Test
  void appliesExplicitFieldsOnTopOfThePreset_whateverTheirOrder() throws Exception {
    AgentConfig config = AgentConfig.parse("top.classes=3,criticality=low", Map.of(), Map.of());

    assertThat(config.sampling().criticality()).isEqualTo(Criticality.LOW);
    assertThat(config.sampling().topClasses()).isEqualTo(3);
    assertThat(config.sampling().classHistogramOn()).isFalse();
  }

  @Nested
  class Precedence {
    @Test
    void agentOptionWins_overSystemPropertyAndEnvironment() throws Exception {
      AgentConfig config = AgentConfig.parse("criticality=high",
          Map.of("umbra.criticality", "low"), Map.of("UMBRA_CRITICALITY", "normal"));

      assertThat(config.sampling().criticality()).isEqualTo(Criticality.HIGH);
    }

    @Test
    void systemPropertyWins_overEnvironment() throws Exception {
      AgentConfig config = AgentConfig.parse("",
          Map.of("umbra.shadow", "a:1"), Map.of("UMBRA_SHADOW", "b:2", "UMBRA_BUFFER_BATCHES", "9"));

      assertThat(config.shadow().first()).isEqualTo(new ShadowAddress("a", 1));
      assertThat(config.bufferBatches()).isEqualTo(9);
    }

    @Test
    void ignoresUnrelatedSystemProperties() throws Exception {
      AgentConfig config = AgentConfig.parse("", Map.of("umbra.agent.jar", "/x.jar", "java.version", "17"), Map.of());

      assertThat(config).isEqualTo(AgentConfig.defaults());
    }
  }

  @Nested
  class BadValues {
    @Test
    void namesKeySourceAndValue_forABadCriticality() {
      assertThatThrownBy(() -> AgentConfig.parse("criticality=extreme", Map.of(), Map.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("criticality")
          .hasMessageContaining("agent option")
          .hasMessageContaining("'extreme'");
    }

    @Test
    void namesTheEnvironmentVariable_whenTheBadValueCameFromThere() {
      assertThatThrownBy(() -> AgentConfig.parse("", Map.of(), Map.of("UMBRA_BATCH_PERIOD", "fast")))
          .hasMessageContaining("UMBRA_BATCH_PERIOD")
          .hasMessageContaining("'fast'");
    }

    @Test
    void rejectsUnknownOptions() {
      assertThatThrownBy(() -> AgentConfig.parse("shadw=a:1", Map.of(), Map.of()))
          .hasMessageContaining("unknown agent option 'shadw'");
    }

    @Test
    void rejectsAShadowWithoutPort() {
      assertThatThrownBy(() -> AgentConfig.parse("shadow=localhost", Map.of(), Map.of()))
          .hasMessageContaining("shadow").hasMessageContaining("host:port");
      assertThatThrownBy(() -> AgentConfig.parse("shadow=localhost:99999", Map.of(), Map.of()))
          .hasMessageContaining("1..65535");
    }

    @Test
    void rejectsAZeroBatchPeriod_andMalformedPairs() {
      assertThatThrownBy(() -> AgentConfig.parse("batch.period=0ms", Map.of(), Map.of()))
          .hasMessageContaining("positive");
      assertThatThrownBy(() -> AgentConfig.parse("criticality", Map.of(), Map.of()))
          .hasMessageContaining("not key=value");
    }
  }

  @Test
  void parsesDurations_inTheSharedGrammar() throws Exception {
    assertThat(AgentConfig.parse("batch.period=1.5s", Map.of(), Map.of()).sampling().batchPeriod())
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(AgentConfig.parse("start.delay=PT3S", Map.of(), Map.of()).startDelay()).isEqualTo(Duration.ofSeconds(3));
    assertThat(AgentConfig.parse("histogram.period=1d", Map.of(), Map.of()).sampling().classHistogramPeriod())
        .isEqualTo(Duration.ofDays(1));
    assertThatThrownBy(() -> AgentConfig.parse("start.delay=-1s", Map.of(), Map.of()))
        .hasMessage("start.delay (agent option): '-1s' is negative (e.g. 500ms, 30s, 5m, PT30S), or off");
    assertThatThrownBy(() -> AgentConfig.parse("gauge.period=ms", Map.of(), Map.of()))
        .hasMessage("gauge.period (agent option): 'ms' is not a duration (e.g. 500ms, 30s, 5m, PT30S)");
  }

  @Test
  void acceptsBracketedIpv6Shadows() throws Exception {
    AgentConfig config = AgentConfig.parse("shadow=[::1]:7070", Map.of(), Map.of());

    assertThat(config.shadow().first()).isEqualTo(new ShadowAddress("::1", 7070));
    assertThat(config.shadow()).hasToString("[::1]:7070");
  }
}
