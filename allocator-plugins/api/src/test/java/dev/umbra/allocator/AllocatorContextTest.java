package dev.umbra.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocatorContextTest {

  @Test
  void parsesTypedSettings() throws AllocatorException {
    AllocatorContext context = AllocatorContext.of(
        Map.of("b", "TRUE", "d", "0.25", "m", "512m", "g", "2GiB", "n", "4096", "t", "10s", "ms", "250ms", "iso", "PT1M"));
    AllocatorContext shared = AllocatorContext.of(Map.of("h", "1h", "half", "1.5m", "t2", "2t"));

    assertThat(context.booleanSetting("b", false)).isTrue();
    assertThat(context.doubleSetting("d", 1)).isEqualTo(0.25);
    assertThat(context.bytesSetting("m", 0)).isEqualTo(512L << 20);
    assertThat(context.bytesSetting("g", 0)).isEqualTo(2L << 30);
    assertThat(context.bytesSetting("n", 0)).isEqualTo(4096);
    assertThat(context.durationSetting("t", Duration.ZERO)).isEqualTo(Duration.ofSeconds(10));
    assertThat(context.durationSetting("ms", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(context.durationSetting("iso", Duration.ZERO)).isEqualTo(Duration.ofMinutes(1));
    assertThat(context.bytesSetting("absent", 7)).isEqualTo(7);
    assertThat(shared.durationSetting("h", Duration.ZERO)).isEqualTo(Duration.ofHours(1));
    assertThat(shared.durationSetting("half", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
    assertThat(shared.bytesSetting("t2", 0)).isEqualTo(2L << 40);
  }

  @Test
  void refusesABadSetting_namingKeyAndValue() {
    AllocatorContext context = AllocatorContext.of(Map.of("minMemory", "lots", "flag", "yes", "huge", "99999999999t",
        "timeout", "-1s", "period", "10x"));

    assertThatThrownBy(() -> context.bytesSetting("minMemory", 0))
        .hasMessage("setting minMemory: 'lots' is not a size (e.g. 1048576, 512k, 512m, 1.5g)");
    assertThatThrownBy(() -> context.booleanSetting("flag", false)).hasMessageContaining("flag='yes'");
    assertThatThrownBy(() -> context.bytesSetting("huge", 0)).hasMessage("setting huge: '99999999999t' is too large (at most 8388607t)");
    assertThatThrownBy(() -> context.durationSetting("timeout", Duration.ZERO)).hasMessageContaining("setting timeout: '-1s' is negative");
    assertThatThrownBy(() -> context.durationSetting("period", Duration.ZERO))
        .hasMessage("setting period: '10x' is not a duration (e.g. 500ms, 30s, 5m, PT30S)");
  }

  @Test
  void handsOutServicesByType_andNothingElse() {
    Runnable service = () -> {};
    AllocatorContext context = AllocatorContext.of(Map.of()).withService(Runnable.class, service);

    assertThat(context.service(Runnable.class)).containsSame(service);
    assertThat(context.service(CharSequence.class)).isEmpty();
  }

  @Test
  void refusesAServiceOfTheWrongType() {
    assertThatThrownBy(() -> new AllocatorContext(Map.of(), Map.of(Runnable.class, "text"), java.time.Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
