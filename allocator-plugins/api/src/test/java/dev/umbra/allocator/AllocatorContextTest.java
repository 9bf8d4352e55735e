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

    assertThat(context.booleanSetting("b", false)).isTrue();
    assertThat(context.doubleSetting("d", 1)).isEqualTo(0.25);
    assertThat(context.bytesSetting("m", 0)).isEqualTo(512L << 20);
    assertThat(context.bytesSetting("g", 0)).isEqualTo(2L << 30);
    assertThat(context.bytesSetting("n", 0)).isEqualTo(4096);
    assertThat(context.durationSetting("t", Duration.ZERO)).isEqualTo(Duration.ofSeconds(10));
    assertThat(context.durationSetting("ms", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(context.durationSetting("iso", Duration.ZERO)).isEqualTo(Duration.ofMinutes(1));
    assertThat(context.bytesSetting("absent", 7)).isEqualTo(7);
  }

  @Test
  void refusesABadSetting_namingKeyAndValue() {
    AllocatorContext context = AllocatorContext.of(Map.of("minMemory", "lots", "flag", "yes", "huge", "99999999999t"));

    assertThatThrownBy(() -> context.bytesSetting("minMemory", 0))
        .hasMessage("setting minMemory='lots' is not a size such as 512m or 1073741824");
    assertThatThrownBy(() -> context.booleanSetting("flag", false)).hasMessageContaining("flag='yes'");
    assertThatThrownBy(() -> context.bytesSetting("huge", 0)).hasMessageContaining("huge=");
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
