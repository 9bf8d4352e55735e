package dev.umbra.shadow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.shadow.action.ActionPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActConfigTest {

  @Test
  void actingIsOffByDefault_withTheDefaultPolicy() throws Exception {
    ShadowConfig.Act act = ConfigParser.parse(Map.of(), Optional.empty(), Map.of()).act();

    assertThat(act.on()).isFalse();
    assertThat(act.policy()).isEqualTo(ActionPolicy.defaults());
  }

  @Test
  void readsEveryKey_fromFlagsTheEnvironmentAndTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("umbra.properties");
    java.nio.file.Files.writeString(file, "act-budget = 5\nact-cpu-step = 0.25\n");
    Map<String, String> env = Map.of("UMBRA_ACT_RULES", "mem.rss/trend=scale-up; *=alert", "UMBRA_ACT_COOLDOWN", "1m",
        "UMBRA_ACT_WINDOW", "1h", "UMBRA_ACT_MIN_SCORE", "0.7", "UMBRA_ACT_MEMORY_STEP", "0.5");
    ShadowConfig.Act act = ConfigParser.parse(Map.of("act", "true"), Optional.of(file), env).act();

    assertThat(act.on()).isTrue();
    ActionPolicy p = act.policy();
    assertThat(p.rulesText()).isEqualTo("mem.rss/trend=scale-up; *=alert");
    assertThat(p.cooldown()).isEqualTo(Duration.ofMinutes(1));
    assertThat(p.window()).isEqualTo(Duration.ofHours(1));
    assertThat(p.minScore()).isEqualTo(0.7);
    assertThat(p.budget()).isEqualTo(5);
    assertThat(p.cpuStepCores()).isEqualTo(0.25);
    assertThat(p.memoryStep()).isEqualTo(0.5);
  }

  @Test
  void refusesBadValues_namingTheKey() {
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("act", "maybe"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("act: 'maybe'");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("act-rules", "cpu.process=explode"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("act-rules: 'cpu.process=explode'");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("act-budget", "0"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("act-budget: 0 is not at least 1");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("act-budget", "three"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("act-budget: 'three'");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("act-cpu-step", "-1"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("act-cpu-step");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("act-window", "soon"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("act-window");
  }
}
