package dev.umbra.shadow.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.ModelArtifact;
import dev.umbra.shadow.forecast.HistoryWindow;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.NativeThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WorkloadTrainingTest {
  @BeforeAll
  static void oneThread() {
    NativeThreads.limit(1);
  }

  /** A run: a 120 s square wave of CPU between 0.5 and 2 cores. */
  private static RunWindow run(long start, int seconds) {
    RunWindow w = new RunWindow(3600);
    for (int i = 0; i < seconds; i++) {
      w.put(start + i, (i / 60) % 2 == 0 ? 0.5 : 2.0);
    }
    return w;
  }

  @Test
  void trainsOnRunsFromSeveralShadows_andTheModelForecastsAfterTheWire() throws Exception {
    LstmModel model = WorkloadTraining.train("cpu.process", List.of(run(1_000_000, 900), run(2_000_000, 900)), null, 1);
    assertThat(model).isNotNull();
    assertThat(model.version()).isEqualTo(1);
    assertThat(model.blockSec()).isEqualTo(WorkloadTraining.BLOCK_SEC);

    ModelArtifact artifact = ModelArtifact.parseFrom(ModelArtifact.newBuilder()
        .setWorkload("w").setVersion(1).setTrainedUntilUnixMs(model.trainedUntil().toEpochMilli())
        .addModels(ModelCodec.encode("cpu.process", model, 1800)).build().toByteArray());
    Map<String, LstmModel> decoded = ModelCodec.decode(artifact);
    assertThat(decoded).containsOnlyKeys("cpu.process");

    FleetLstm live = new FleetLstm("cpu.process", decoded.get("cpu.process"));
    double[] values = new double[300];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i / 60) % 2 == 0 ? 0.5 : 2.0;
    }
    HistoryWindow history = HistoryWindow.of("cpu.process", Duration.ofSeconds(1), values, Instant.ofEpochSecond(3_000_300));
    QuantileForecast f = live.forecast(history, Horizon.DEFAULT, QuantileLevels.DEFAULT);
    assertThat(f.model()).isEqualTo("lstm");
    assertThat(f.modelVersion()).startsWith("lstm-v1@");
    for (double q : f.peakQuantiles()) {
      assertThat(q).isFinite().isNotNegative();
    }
  }

  @Test
  void fineTunesThePreviousVersion() {
    LstmModel first = WorkloadTraining.train("cpu.process", List.of(run(1_000_000, 600)), null, 1);
    LstmModel second = WorkloadTraining.train("cpu.process", List.of(run(1_000_000, 900)), first, 2);
    assertThat(second.version()).isEqualTo(2);
    assertThat(second.network().params()).isNotEqualTo(first.network().params());
  }

  @Test
  void trainsNothing_withoutAKnownTarget() {
    assertThat(WorkloadTraining.train("cpu.process", List.of(run(1_000_000, 30)), null, 1)).isNull();
    assertThat(WorkloadTraining.train("cpu.process", List.of(), null, 1)).isNull();
  }
}
