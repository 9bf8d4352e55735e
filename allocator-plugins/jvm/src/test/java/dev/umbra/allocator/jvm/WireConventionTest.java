package dev.umbra.allocator.jvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two small conversions the shadow needs between the agent's messages and this plugin. */
class WireConventionTest {

  @Test
  void flagResultSurvivesCommandResultDetails() {
    FlagResult result = new FlagResult(Map.of("SoftMaxHeapSize", "536870912"), Map.of("MinHeapFreeRatio", "must be <= MaxHeapFreeRatio"), true);

    Map<String, String> details = result.toCommandDetails();

    assertThat(details).containsEntry("applied.SoftMaxHeapSize", "536870912")
        .containsEntry("rejected.MinHeapFreeRatio", "must be <= MaxHeapFreeRatio")
        .containsEntry("gc_requested", "true");
    assertThat(FlagResult.fromCommandDetails(details)).isEqualTo(result);
  }

  @Test
  void ignoresDetailsOutsideTheConvention() {
    assertThat(FlagResult.fromCommandDetails(Map.of("checkpoint_bytes", "1", "applied.", "x")))
        .isEqualTo(new FlagResult(Map.of(), Map.of(), false));
  }

  @Test
  void readsTheFeatureVersionFromJavaVersion() {
    assertThat(JvmFacts.featureVersion("17.0.15")).isEqualTo(17);
    assertThat(JvmFacts.featureVersion("1.8.0_392")).isEqualTo(8);
    assertThat(JvmFacts.featureVersion("25")).isEqualTo(25);
    assertThat(JvmFacts.featureVersion("26-ea")).isEqualTo(26);
    assertThatThrownBy(() -> JvmFacts.featureVersion("unknown")).hasMessageContaining("not a java.version");
  }
}
