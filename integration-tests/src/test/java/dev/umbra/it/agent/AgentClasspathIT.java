package dev.umbra.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application with its own protobuf (3.25, where the agent shades 4.33) on the class path
 * runs unaffected while the agent streams: the agent's copies are relocated, so neither sees
 * the other's.
 */
class AgentClasspathIT {
  @TempDir Path work;
  private RecordingCollector collector;
  private JavaProcess app;

  @AfterEach
  void tearDown() throws Exception {
    if (app != null) {
      System.out.println("--- output of the app ---\n" + app.output());
      app.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  void appWithAnOlderProtobuf_runsAndIsObserved() throws Exception {
    collector = new RecordingCollector(FreePort.pick()).start();
    String protobuf3 = System.getProperty("umbra.protobuf3.jar");
    String classPath = protobuf3 + File.pathSeparator + JavaProcess.testClasses();

    app = JavaProcess.start("protobuf-app", JavaProcess.java17Home(),
        List.of("-javaagent:" + JavaProcess.agentJar() + "=shadow=127.0.0.1:" + collector.port(),
            "-cp", classPath, "dev.umbra.it.primaries.ProtobufApp", "120", "cue"),
        Map.of(), work);

    // observed while it runs (batches and a heartbeat, every kind of message the agent sends
    // unasked), then ended on cue: it used to run a fixed 30 s, most of it after this
    Await.until("batches and a heartbeat", () -> collector.batches().size() >= 5 && !collector.heartbeats().isEmpty(),
        Duration.ofSeconds(60), app::output);
    assertThat(app.isAlive()).as("the app runs while the agent streams").isTrue();
    app.process().getOutputStream().write("end\n".getBytes(StandardCharsets.UTF_8));
    app.process().getOutputStream().flush();
    assertThat(app.awaitExit(Duration.ofSeconds(60))).isZero();
    assertThat(app.output()).contains("protobuf from").contains("protobuf-java-3.25.5.jar").contains("done");
    assertThat(app.output()).containsPattern("(?m)^round trips [1-9]\\d*$");
    assertThat(collector.hellos()).hasSize(1);
    assertThat(app.output()).doesNotContain("umbra-agent ERROR");
  }
}
