package dev.umbra.shadow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.Criticality;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.SamplingConfig;
import dev.umbra.shadow.ingest.PrimaryIdentity.ReportedCriticality;
import dev.umbra.shadow.series.PrimaryRecord;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The shadow records the criticality an agent reports, and says UNKNOWN where none was reported. */
class ReportedCriticalityTest {
  private static Hello hello(SamplingConfig sampling) {
    return Hello.newBuilder().setPrimaryId("h/1/2").setWorkload("w").setSampling(sampling).build();
  }

  @ParameterizedTest
  @CsvSource({"CRITICALITY_LOW, LOW", "CRITICALITY_NORMAL, NORMAL", "CRITICALITY_HIGH, HIGH",
      "CRITICALITY_UNSPECIFIED, UNKNOWN"})
  void keepsWhatTheHelloReports(Criticality wire, ReportedCriticality expected) {
    PrimaryIdentity identity = WireMapping.toIdentity(hello(SamplingConfig.newBuilder().setCriticality(wire).build()));

    assertThat(identity.criticality()).isEqualTo(expected);
  }

  @Test
  void isUnknown_forAValueThisShadowDoesNotKnow() {
    PrimaryIdentity identity = WireMapping.toIdentity(hello(SamplingConfig.newBuilder().setCriticalityValue(42).build()));

    assertThat(identity.criticality()).isEqualTo(ReportedCriticality.UNKNOWN);
  }

  @Test
  void isUnknown_forAPrimaryKnownOnlyFromTheHistory() {
    PrimaryRecord stored = new PrimaryRecord("h/1/2", "w", "app.jar", "h", 1, 2, 3, 4, "0.1.0", 7);

    Sessions sessions = new Sessions(Clock.systemUTC(), List.of(stored), Map.of());

    assertThat(sessions.get("h/1/2").orElseThrow().identity().criticality()).isEqualTo(ReportedCriticality.UNKNOWN);
  }
}
