package dev.umbra.shadow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {

  @TempDir Path dir;

  @Test
  void readsTheForecastTrainingKeys_fromTheEnvironment() throws Exception {
    ShadowConfig config = ConfigParser.parse(Map.of(), Optional.empty(), Map.of("UMBRA_FORECAST_CHECK_EVERY", "5s",
        "UMBRA_FORECAST_TRAIN_EVERY", "15s", "UMBRA_FORECAST_MIN_BLOCKS", "20"));

    assertThat(config.forecast()).isEqualTo(new ShadowConfig.Forecast(java.time.Duration.ofSeconds(5),
        java.time.Duration.ofSeconds(15), 20));
    assertThat(ConfigParser.parse(Map.of(), Optional.empty(), Map.of()).forecast())
        .isEqualTo(ShadowConfig.Forecast.defaults());
  }

  @Test
  void usesDefaults_whenNothingIsGiven() throws Exception {
    ShadowConfig config = ConfigParser.parse(Map.of(), Optional.empty(), Map.of());

    assertThat(config.grpc()).isEqualTo(new ShadowConfig.Endpoint("127.0.0.1", 7070));
    assertThat(config.http()).isEqualTo(new ShadowConfig.Endpoint("127.0.0.1", 7071));
    assertThat(config.dataDir()).isEqualTo(Path.of(".umbra").toAbsolutePath().normalize());
    assertThat(config.security().token()).isEmpty();
    assertThat(config.limits().cpuCores()).isEmpty();
  }

  @Nested
  class Precedence {
    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
      Path file = write("port = 7001\nhttp-port = 7002\ndata = /from/file\nmemory = 256m\n");
      Map<String, String> env = Map.of("UMBRA_PORT", "7101", "UMBRA_HTTP_PORT", "7102");
      Map<String, String> flags = new HashMap<>();
      flags.put("port", "7201");
      flags.put("http-port", null); // not given on the command line

      ShadowConfig config = ConfigParser.parse(flags, Optional.of(file), env);

      assertThat(config.grpc().port()).isEqualTo(7201);
      assertThat(config.http().port()).isEqualTo(7102);
      assertThat(config.dataDir()).isEqualTo(Path.of("/from/file"));
      assertThat(config.limits().memoryBytes()).contains(256L << 20);
    }

    @Test
    void httpHostFollowsHost_unlessSetItself() throws Exception {
      ShadowConfig config =
          ConfigParser.parse(Map.of("host", "127.0.0.2"), Optional.empty(), Map.of());
      assertThat(config.http().host()).isEqualTo("127.0.0.2");
    }
  }

  @Nested
  class RejectsBadValues {
    @Test
    void aForecastTrainingKeyOutOfRange_orNotANumber() {
      assertThatThrownBy(() -> ConfigParser.parse(Map.of(), Optional.empty(), Map.of("UMBRA_FORECAST_MIN_BLOCKS", "2")))
          .isInstanceOf(ConfigException.class).hasMessage("forecast-min-blocks must be at least 4, got 2");
      assertThatThrownBy(() -> ConfigParser.parse(Map.of("forecast-min-blocks", "many"), Optional.empty(), Map.of()))
          .hasMessage("forecast-min-blocks: 'many' is not a whole number");
      assertThatThrownBy(() -> ConfigParser.parse(Map.of("forecast-check-every", "500ms"), Optional.empty(), Map.of()))
          .hasMessage("forecast-check-every must be at least 1s, got PT0.5S");
    }

    @Test
    void aPortOutOfRange() {
      assertThatThrownBy(() -> ConfigParser.parse(Map.of("port", "70000"), Optional.empty(), Map.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessage("port: '70000' is not a port (0..65535)");
    }

    @Test
    void aPortThatIsNotANumber_fromTheEnvironment() {
      assertThatThrownBy(
              () -> ConfigParser.parse(Map.of(), Optional.empty(), Map.of("UMBRA_HTTP_PORT", "web")))
          .hasMessage("http-port: 'web' is not a port (0..65535)");
    }

    @Test
    void aMissingConfigFile() {
      Path missing = dir.resolve("missing.properties");
      assertThatThrownBy(() -> ConfigParser.parse(Map.of(), Optional.of(missing), Map.of()))
          .hasMessage("cannot read config file " + missing + ": no such file");
    }

    @Test
    void anUnknownKeyInTheFile() throws IOException {
      Path file = write("prot = 7000\n");
      assertThatThrownBy(() -> ConfigParser.parse(Map.of(), Optional.of(file), Map.of()))
          .hasMessageContaining("unknown key(s) [prot]");
    }

    @Test
    void aNonLoopbackHostWithoutTlsAndToken() {
      assertThatThrownBy(() -> ConfigParser.parse(Map.of("host", "0.0.0.0"), Optional.empty(), Map.of()))
          .hasMessageContaining("not loopback");
    }

    @Test
    void aNonLoopbackHostWithATokenButNoTls_wouldSendTheTokenInClearText() {
      assertThatThrownBy(() -> ConfigParser.parse(Map.of("host", "0.0.0.0", "token", "t"), Optional.empty(), Map.of()))
          .hasMessage("host 0.0.0.0 is not loopback: set tls-cert/tls-key and a token to listen on it");
    }

    @Test
    void aNonLoopbackHostWithTlsButNoToken() {
      assertThatThrownBy(() -> ConfigParser.parse(
              Map.of("host", "0.0.0.0", "tls-cert", "/c.pem", "tls-key", "/k.pem"), Optional.empty(), Map.of()))
          .hasMessageContaining("not loopback");
    }

    @Test
    void aCertificateWithoutItsKey() {
      assertThatThrownBy(
              () -> ConfigParser.parse(Map.of("tls-cert", "/c.pem"), Optional.empty(), Map.of()))
          .hasMessage("tls-cert and tls-key must be given together");
    }

    @Test
    void nonPositiveCpuAndMemory() {
      assertThatThrownBy(() -> ConfigParser.parse(Map.of("cpu", "0"), Optional.empty(), Map.of()))
          .hasMessage("cpu: '0' is not a positive number of cores (e.g. 2, 1.5, 0.25)");
      assertThatThrownBy(() -> ConfigParser.parse(Map.of("memory", "lots"), Optional.empty(), Map.of()))
          .hasMessageStartingWith("memory: 'lots' is not a size");
    }
  }

  @Test
  void parsesSizesAndDurations_inTheSharedGrammar() throws ConfigException {
    ShadowConfig config = ConfigParser.parse(
        Map.of("memory", "1.5g", "kafka-buffer", "2GiB", "checkpoint-quiet", "PT5M", "exit-when-idle", "1.5m"),
        Optional.empty(), Map.of("UMBRA_MANAGE_LEAD", "1h", "UMBRA_MANAGE_MEMORY_MAX", "2t"));

    assertThat(config.limits().memoryBytes()).contains(3L << 29);
    assertThat(config.fleet().bufferBytes()).isEqualTo(2L << 30);
    assertThat(config.checkpoints().quietPeriod()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.limits().exitWhenIdle()).contains(Duration.ofSeconds(90));
    assertThat(config.manage().lead()).isEqualTo(Duration.ofHours(1));
    assertThat(config.manage().memoryMax()).isEqualTo(2L << 40);
    assertThatThrownBy(() -> ConfigParser.parse(Map.of(), Optional.empty(), Map.of("UMBRA_MANAGE_LEAD", "10x")))
        .hasMessage("manage-lead: '10x' is not a duration (e.g. 500ms, 30s, 5m, PT30S)");
  }

  private Path write(String content) throws IOException {
    Path file = dir.resolve("umbra.properties");
    Files.writeString(file, content);
    return file;
  }
}
