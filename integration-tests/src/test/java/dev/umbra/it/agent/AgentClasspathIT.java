package dev.umbra.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import java.io.File;
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
            "-cp", classPath, "dev.umbra.it.primaries.ProtobufApp", "30"),
        Map.of(), work);

    Await.until("batches", () -> collector.batches().size() >= 5, Duration.ofSeconds(60), app::output);
    assertThat(app.awaitExit(Duration.ofSeconds(60))).isZero();
    assertThat(app.output()).contains("protobuf from").contains("protobuf-java-3.25.5.jar").contains("done");
    assertThat(collector.hellos()).hasSize(1);
    assertThat(app.output()).doesNotContain("umbra-agent ERROR");
  }
}
