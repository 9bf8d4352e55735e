package dev.umbra.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.ApplyJvmSettings;
import dev.umbra.proto.v1.Checkpoint;
import dev.umbra.proto.v1.CommandResult;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.Criticality;
import dev.umbra.proto.v1.SamplingConfig;
import dev.umbra.proto.v1.SetSampling;
import dev.umbra.proto.v1.ShadowCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands from the shadow reach a running primary and are answered by id. */
class AgentCommandsIT {
  @TempDir Path work;
  private RecordingCollector collector;
  private JavaProcess app;

  @AfterEach
  void tearDown() throws Exception {
    if (app != null) {
      System.out.println("--- output of the primary ---\n" + app.output());
      app.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  private CommandResult result(long id) {
    return collector.results().stream().filter(r -> r.getCommandId() == id).findFirst().orElseThrow();
  }

  @Test
  void changesSamplingLive_setsManageableFlags_andRefusesCheckpointsForNow() throws Exception {
    collector = new RecordingCollector(FreePort.pick()).start();
    app = JavaProcess.start("ticker", JavaProcess.java17Home(),
        List.of("-javaagent:" + JavaProcess.agentJar() + "=shadow=127.0.0.1:" + collector.port() + ",criticality=low",
            "-cp", JavaProcess.testClasses().toString(), "dev.umbra.it.primaries.Ticker", "120"),
        Map.of(), work);
    Await.until("batches", () -> collector.batches().size() >= 3, Duration.ofSeconds(60), app::output);
    Thread.sleep(2000);
    assertThat(collector.batches().stream().flatMap(b -> b.getEventsList().stream()))
        .as("no execution samples at low").noneMatch(e -> e.hasExecutionProfile());

    collector.send(ShadowCommand.newBuilder().setCommandId(1).setSetSampling(SetSampling.newBuilder()
        .setSampling(SamplingConfig.newBuilder().setCriticality(Criticality.CRITICALITY_HIGH))).build());
    collector.send(ShadowCommand.newBuilder().setCommandId(2).setApplyJvmSettings(ApplyJvmSettings.newBuilder()
        .putFlags("MinHeapFreeRatio", "10").putFlags("MaxHeapSize", "1")).build());
    collector.send(ShadowCommand.newBuilder().setCommandId(3)
        .setCheckpoint(Checkpoint.newBuilder().setCheckpointId("c1").setEngine("app")).build());
    Await.until("three results", () -> collector.results().size() >= 3, Duration.ofSeconds(30), app::output);

    assertThat(result(1).getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_OK);
    assertThat(result(1).getDetailsMap()).containsEntry("criticality", "high");
    assertThat(result(2).getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_FAILED);
    assertThat(result(2).getDetailsMap()).containsEntry("MinHeapFreeRatio", "10");
    assertThat(result(2).getMessage()).contains("MaxHeapSize");
    assertThat(result(3).getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_UNSUPPORTED);
    assertThat(result(3).getMessage()).contains("not supported");
    // execution samples are off at low; the live switch to high turns them on
    int before = collector.batches().size();
    Await.until("execution samples after the switch to high", () -> collector.batches().stream().skip(before)
        .flatMap(b -> b.getEventsList().stream()).anyMatch(e -> e.hasExecutionProfile()),
        Duration.ofSeconds(30), app::output);
    assertThat(app.isAlive()).isTrue();
  }
}
