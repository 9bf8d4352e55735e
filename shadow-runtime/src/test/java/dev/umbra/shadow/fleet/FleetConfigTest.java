package dev.umbra.shadow.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.shadow.config.ConfigException;
import dev.umbra.shadow.config.ConfigParser;
import dev.umbra.shadow.config.ShadowConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetConfigTest {
  @Test
  void isOff_withoutKafka() throws ConfigException {
    ShadowConfig config = ConfigParser.parse(Map.of(), Optional.empty(), Map.of());
    assertThat(config.fleet().kafka()).isEmpty();
    assertThat(config.fleet().bufferBytes()).isEqualTo(64L << 20);
    assertThat(config.fleet().batch()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void takesKafkaBufferBatchAndId_fromFlagsAndEnvironment() throws ConfigException {
    ShadowConfig config = ConfigParser.parse(Map.of("kafka", "k1:9092,k2:9092", "kafka-buffer", "8m"), Optional.empty(),
        Map.of("UMBRA_KAFKA_BATCH", "5s", "UMBRA_FLEET_ID", "node-7"));
    assertThat(config.fleet().kafka()).contains("k1:9092,k2:9092");
    assertThat(config.fleet().bufferBytes()).isEqualTo(8L << 20);
    assertThat(config.fleet().batch()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.fleet().id()).contains("node-7");
  }

  @Test
  void namesTheKey_ofABadValue() {
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("kafka-buffer", "lots"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka-buffer");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("kafka-buffer", "100"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka-buffer");
    assertThatThrownBy(() -> ConfigParser.parse(Map.of("kafka-batch", "soon"), Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka-batch");
  }
}
