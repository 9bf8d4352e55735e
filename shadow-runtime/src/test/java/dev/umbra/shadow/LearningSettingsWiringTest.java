package dev.umbra.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.config.ConfigParser;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.live.LearningSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The live models serve the horizon the resource manager asks for, with the configured training pace. */
class LearningSettingsWiringTest {
  @Test
  void withTheManagerOn_itsLeadIsALiveHorizon_andTheTrainingKeysApply() throws Exception {
    ShadowConfig config = ConfigParser.parse(Map.of("manage", "recommend", "manage-lead", "10s",
        "forecast-min-blocks", "12", "forecast-train-every", "1m"), Optional.empty(), Map.of());

    LearningSettings settings = Shadow.liveModelSettings(config);

    assertThat(settings.horizons()).contains(new Horizon(10, Duration.ofSeconds(1)))
        .containsAll(LearningSettings.defaults().horizons());
    assertThat(settings.minBlocks()).isEqualTo(12);
    assertThat(settings.trainEvery()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void withTheManagerOff_onlyTheDefaultHorizons() throws Exception {
    ShadowConfig config = ConfigParser.parse(Map.of("manage-lead", "10s"), Optional.empty(), Map.of());

    assertThat(Shadow.liveModelSettings(config).horizons()).isEqualTo(LearningSettings.defaults().horizons());
  }
}
