package dev.umbra.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkloadTest {
  @Test
  void hashesAlike_runsThatDifferOnlyInPortsAndTempFolders() {
    Workload a = Workload.of("org.h2.tools.Server -tcp -tcpPort 9092 -baseDir /tmp/junit123/h2");
    Workload b = Workload.of("org.h2.tools.Server -tcp -tcpPort 40111 -baseDir /tmp/junit987/h2");

    assertThat(a).isEqualTo(b);
    assertThat(a.name()).isEqualTo("org.h2.tools.Server");
    assertThat(a.hash()).hasSize(16).matches("[0-9a-f]+");
  }

  @Test
  void reducesJarsToTheirFileName() {
    assertThat(Workload.of("/opt/app/build/app.jar --port=8080"))
        .isEqualTo(Workload.of("/srv/app.jar --port=9090"));
    assertThat(Workload.of("/srv/app.jar").name()).isEqualTo("app.jar");
  }

  @Test
  void hashesApart_differentMainsOrArguments() {
    assertThat(Workload.of("com.example.Batch --mode import").hash())
        .isNotEqualTo(Workload.of("com.example.Batch --mode export").hash())
        .isNotEqualTo(Workload.of("com.example.Other --mode import").hash());
  }
}
