package dev.umbra.agent.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JfrSettingsTest {
  @Test
  void normal_samplesExecutionFiveTimesLessOftenThanJfrDefault_andWithoutIoEvents() {
    Map<String, String> s = JfrSettings.forSampling(Sampling.preset(Criticality.NORMAL));

    assertThat(s).containsEntry("jdk.ExecutionSample#period", "100 ms")
        .containsEntry("jdk.ObjectAllocationSample#throttle", "50/s")
        .containsEntry("jdk.ObjectAllocationSample#stackTrace", "false")
        .containsEntry("jdk.JavaMonitorEnter#threshold", "50 ms")
        .containsEntry("jdk.FileRead#enabled", "false")
        .containsEntry("jdk.SocketWrite#enabled", "false")
        .containsEntry("jdk.GarbageCollection#enabled", "true");
  }

  @Test
  void zeroAllocationSamples_disablesTheEvent() {
    Map<String, String> s = JfrSettings.forSampling(Sampling.preset(Criticality.NORMAL).withAllocationSamplesPerSecond(0));

    assertThat(s).containsEntry("jdk.ObjectAllocationSample#enabled", "false")
        .doesNotContainKey("jdk.ObjectAllocationSample#throttle");
  }

  @Test
  void low_turnsExecutionSamplingOff() {
    Map<String, String> s = JfrSettings.forSampling(Sampling.preset(Criticality.LOW));

    assertThat(s).containsEntry("jdk.ExecutionSample#enabled", "false")
        .containsEntry("jdk.ThreadCPULoad#period", "10 s");
  }

  @Test
  void high_addsJfrIoEventsOverTheThreshold() {
    Map<String, String> s = JfrSettings.forSampling(Sampling.preset(Criticality.HIGH));

    assertThat(s).containsEntry("jdk.ExecutionSample#period", "20 ms")
        .containsEntry("jdk.FileRead#enabled", "true")
        .containsEntry("jdk.FileRead#threshold", "20 ms");
  }

  @Test
  void explicitThresholdOff_disablesTheEvent() {
    Sampling s = Sampling.preset(Criticality.NORMAL).withContentionThreshold(Duration.ZERO);

    assertThat(JfrSettings.forSampling(s)).containsEntry("jdk.ThreadPark#enabled", "false");
  }
}
