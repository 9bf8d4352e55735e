package dev.umbra.shadow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrimaryLimitsConfigTest {
  @Test
  void defaultsToAThousandPrimaries_fromAnyAddress() throws Exception {
    ShadowConfig.Limits limits = ConfigParser.parse(Map.of(), Optional.empty(), Map.of()).limits();

    assertThat(limits.maxPrimaries()).isEqualTo(1000);
    assertThat(limits.maxPrimariesPerAddress()).isEqualTo(1000);
  }

  @Test
  void perAddressFollowsMaxPrimaries_unlessSetItself() throws Exception {
    assertThat(ConfigParser.parse(Map.of("max-primaries", "50"), Optional.empty(), Map.of()).limits()
        .maxPrimariesPerAddress()).isEqualTo(50);
    ShadowConfig.Limits limits = ConfigParser.parse(Map.of("max-primaries-per-address", "5"), Optional.empty(),
        Map.of("UMBRA_MAX_PRIMARIES", "200")).limits();
    assertThat(limits.maxPrimaries()).isEqualTo(200);
    assertThat(limits.maxPrimariesPerAddress()).isEqualTo(5);
  }

  @Test
  void refusesAValueThatIsNotAPositiveWholeNumber_namingKeyAndValue() {
    for (String bad : new String[] {"0", "-3", "many", "99999999999"}) {
      assertThatThrownBy(() -> ConfigParser.parse(Map.of("max-primaries", bad), Optional.empty(), Map.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessage("max-primaries: '" + bad + "' is not a whole number from 1 to 2147483647");
    }
  }
}
