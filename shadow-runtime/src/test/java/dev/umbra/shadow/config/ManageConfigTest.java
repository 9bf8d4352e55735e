package dev.umbra.shadow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManageConfigTest {

  @Test
  void theManagerIsOffByDefault() throws Exception {
    ShadowConfig.Manage manage = ConfigParser.parse(Map.of(), Optional.empty(), Map.of()).manage();

    assertThat(manage.mode()).isEqualTo(ShadowConfig.Manage.Mode.OFF);
    assertThat(manage.allocator()).isEqualTo("cgroup");
    assertThat(manage.confidence()).isEqualTo(0.95);
  }

  @Test
  void readsEveryKey_fromFlagsAndTheEnvironment() throws Exception {
    Map<String, String> env = Map.of("UMBRA_MANAGE_CONFIDENCE", "0.9", "UMBRA_MANAGE_LEAD", "5s",
        "UMBRA_MANAGE_MEMORY_MAX", "2g", "UMBRA_ALLOCATOR_OPTIONS", "minMemory=64m, mode=recommend",
        "UMBRA_POD", "default/app-0/app");
    ShadowConfig.Manage manage =
        ConfigParser.parse(Map.of("manage", "true", "allocator", "Log"), Optional.empty(), env).manage();

    assertThat(manage.mode()).isEqualTo(ShadowConfig.Manage.Mode.AUTO);
    assertThat(manage.allocator()).isEqualTo("log");
    assertThat(manage.confidence()).isEqualTo(0.9);
    assertThat(manage.lead()).isEqualTo(Duration.ofSeconds(5));
    assertThat(manage.memoryMax()).isEqualTo(2L << 30);
    assertThat(manage.allocatorSettings()).containsEntry("minMemory", "64m").containsEntry("mode", "recommend");
    assertThat(manage.pod()).hasValue("default/app-0/app");
  }

  @Test
  void diskBandwidthIsManagedOnlyWhenAsked_aboveAFloorOf32MiBPerSecond() throws Exception {
    ShadowConfig.Manage defaults = ConfigParser.parse(Map.of(), Optional.empty(), Map.of()).manage();
    ShadowConfig.Manage asked = ConfigParser.parse(Map.of("manage-io", "true", "manage-io-max", "2g"), Optional.empty(),
        Map.of("UMBRA_MANAGE_IO_MIN", "64m")).manage();

    assertThat(defaults.io()).isFalse();
    assertThat(defaults.ioMin()).isEqualTo(32L << 20);
    assertThat(asked.io()).isTrue();
    assertThat(asked.ioMin()).isEqualTo(64L << 20);
    assertThat(asked.ioMax()).isEqualTo(2L << 30);
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("manage-io-min", "0"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("manage-io-min 0 must be > 0");
  }

  @Test
  void refusesBadValues_namingTheKey() {
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("manage", "sometimes"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("manage: 'sometimes'");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("manage-confidence", "1.5"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("manage-confidence");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("manage-memory-min", "1g", "manage-memory-max", "512m"),
        Optional.empty(), Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("manage-memory-min");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("pod", "just-a-pod"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("NAMESPACE/POD/CONTAINER");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("allocator-options", "novalue"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("allocator-options");
  }
}
