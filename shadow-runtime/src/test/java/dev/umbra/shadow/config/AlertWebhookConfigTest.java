package dev.umbra.shadow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertWebhookConfigTest {
  @Test
  void noWebhookByDefault() throws Exception {
    assertThat(ConfigParser.parse(Map.of(), Optional.empty(), Map.of()).alerts().webhook()).isEmpty();
  }

  @Test
  void takesTheWebhookFromTheFlagOrTheEnvironment() throws Exception {
    assertThat(ConfigParser.parse(Map.of("alert-webhook", "https://hooks.example/umbra"), Optional.empty(), Map.of())
        .alerts().webhook()).contains(URI.create("https://hooks.example/umbra"));
    assertThat(ConfigParser.parse(Map.of(), Optional.empty(), Map.of("UMBRA_ALERT_WEBHOOK", "http://127.0.0.1:9/x"))
        .alerts().webhook()).contains(URI.create("http://127.0.0.1:9/x"));
  }

  @Test
  void rejectsAWebhookThatIsNotAnHttpUrl() {
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("alert-webhook", "ftp://x/y"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessage("alert-webhook: 'ftp://x/y' is not an http(s) URL");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("alert-webhook", "http://bad host/"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("alert-webhook: ");
  }
}
