package dev.umbra.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code umbra attach <pid>} loads the agent into a running H2 server. The three tests run side by
 * side (integration-tests/pom.xml): each has its own processes and none asserts a timing.
 */
class AgentAttachIT {
  @TempDir Path work;
  private RecordingCollector collector;
  private H2Workload h2;

  @AfterEach
  void tearDown() throws Exception {
    if (h2 != null) {
      System.out.println("--- output of the H2 primary ---\n" + h2.server.output());
      h2.server.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  private JavaProcess umbra(String name, List<String> args) throws Exception {
    return umbra(name, List.of(), args);
  }

  private JavaProcess umbra(String name, List<String> jvmOptions, List<String> args) throws Exception {
    List<String> command = new java.util.ArrayList<>(jvmOptions);
    command.addAll(List.of("-jar", JavaProcess.shadowJar().toString()));
    command.addAll(args);
    return JavaProcess.start(name, JavaProcess.java17Home(), command, Map.of(), work);
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void streamsFromARunningJvm_afterUmbraAttach() throws Exception {
    collector = new RecordingCollector(FreePort.pick()).start();
    h2 = H2Workload.start("h2-attach", JavaProcess.java17Home(), work, List.of());
    h2.load(Duration.ofSeconds(2));
    assertThat(collector.hellos()).isEmpty();

    JavaProcess attach = umbra("attach", List.of("attach", Long.toString(h2.server.pid()),
        "shadow=127.0.0.1:" + collector.port() + ",criticality=low"));

    assertThat(attach.awaitExit(Duration.ofSeconds(60))).as(attach.output()).isZero();
    assertThat(attach.output()).contains("loaded into pid " + h2.server.pid());
    Await.until("Hello", () -> !collector.hellos().isEmpty(), Duration.ofSeconds(60), h2.server::output);
    h2.load(Duration.ofSeconds(8));
    List<String> nonZero = List.of("cpu.process", "mem.heap.used", "alloc.rate", "io.disk.write", "io.net.rx", "io.net.tx");
    Await.until("non-zero " + nonZero, () -> nonZero.stream().allMatch(s -> collector.max(s) > 0),
        Duration.ofSeconds(30), () -> nonZero.stream().map(s -> s + "=" + collector.max(s)).toList() + h2.server.output());
    assertThat(collector.hellos().get(0).getPid()).isEqualTo(h2.server.pid());
    assertThat(collector.hellos().get(0).getSampling().getCriticality())
        .isEqualTo(dev.umbra.proto.v1.Criticality.CRITICALITY_LOW);
    assertThat(collector.hellos().get(0).getCapabilities().getIoHooks()).isTrue();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void failsWithOneLine_whenThePidIsNoProcess() throws Exception {
    JavaProcess attach = umbra("attach-bad", List.of("attach", "2147483646"));

    assertThat(attach.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(attach.output().strip().lines().toList()).containsExactly("umbra: no process with pid 2147483646");
  }

  /**
   * JDK 17's attach signals the process and waits {@code sun.tools.attach.attachTimeout} (10 s by
   * default) for a JVM's answer that a non-JVM never gives: 1 s here, the same refusal sooner.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void failsWithOneLine_whenThePidIsNotAJvm() throws Exception {
    JavaProcess sleeper = JavaProcess.exec("sleeper", List.of("sleep", "60"), Map.of(), work);
    try {
      JavaProcess attach = umbra("attach-not-jvm", List.of("-Dsun.tools.attach.attachTimeout=1000"),
          List.of("attach", Long.toString(sleeper.pid())));

      assertThat(attach.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(attach.output().strip().lines().toList()).hasSize(1)
          .allSatisfy(l -> assertThat(l).startsWith("umbra: cannot attach to pid " + sleeper.pid()));
    } finally {
      sleeper.close();
    }
  }
}
