package dev.umbra.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.IoKind;
import dev.umbra.proto.v1.TelemetryBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * An H2 server under SQL load, with the agent, streaming to a recording collector: JDK 17 and 25,
 * side by side (integration-tests/pom.xml). Each has its own collector and server; the load runs a
 * fixed 12 s whatever the machine's speed, and nothing here is timed.
 */
class AgentH2IT {
  static final List<String> CANONICAL = List.of("cpu.process", "cpu.machine", "mem.heap.used",
      "mem.heap.committed", "mem.rss", "mem.nonheap", "alloc.rate", "gc.pause", "io.disk.read",
      "io.disk.write", "io.net.rx", "io.net.tx", "io.disk.ops", "io.net.ops", "threads.live", "threads.blocked");
  static final List<String> NON_ZERO = List.of("cpu.process", "mem.heap.used", "alloc.rate", "gc.pause",
      "io.disk.read", "io.disk.write", "io.net.rx", "io.net.tx");

  @TempDir Path work;
  private RecordingCollector collector;
  private H2Workload h2;

  static Path javaHome(int jdk) {
    if (jdk == 17) {
      return JavaProcess.java17Home();
    }
    Optional<Path> home = JavaProcess.java25Home();
    assumeTrue(home.isPresent(), "JDK 25 is not installed (umbra.java25.home): skipping the Java 25 primary");
    return home.get();
  }

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

  @ParameterizedTest(name = "JDK {0}")
  @ValueSource(ints = {17, 25})
  @Execution(ExecutionMode.CONCURRENT)
  void streamsEveryCanonicalSeries_fromAnH2ServerUnderSqlLoad(int jdk) throws Exception {
    Path javaHome = javaHome(jdk);
    collector = new RecordingCollector(FreePort.pick()).start();
    h2 = H2Workload.start("h2-" + jdk, javaHome, work,
        List.of("-javaagent:" + JavaProcess.agentJar() + "=shadow=127.0.0.1:" + collector.port() + ",criticality=normal"));
    Await.until("Hello", () -> !collector.hellos().isEmpty(), Duration.ofSeconds(60), h2.server::output);

    long statements = h2.load(Duration.ofSeconds(12));

    Await.until("non-zero " + NON_ZERO, () -> NON_ZERO.stream().allMatch(s -> collector.max(s) > 0),
        Duration.ofSeconds(30), () -> "maxima: " + NON_ZERO.stream().map(s -> s + "=" + collector.max(s)).toList()
            + "\n" + h2.server.output());
    Await.until("a heartbeat", () -> !collector.heartbeats().isEmpty(), Duration.ofSeconds(15), h2.server::output);

    assertThat(statements).isPositive();
    assertThat(CANONICAL).allSatisfy(s -> assertThat(collector.values(s)).as(s).isNotEmpty());
    Hello hello = collector.hellos().get(0);
    assertThat(hello.getPid()).isEqualTo(h2.server.pid());
    assertThat(hello.getPrimaryId()).isEqualTo(hello.getHost() + "/" + hello.getPid() + "/" + hello.getJvmStartUnixMs());
    assertThat(hello.getWorkloadName()).isEqualTo("org.h2.tools.Server");
    assertThat(hello.getWorkload()).matches("[0-9a-f]{16}");
    assertThat(hello.getJvm().getJavaVersion()).startsWith(Integer.toString(jdk));
    assertThat(hello.getJvm().getInputArgumentsList()).noneMatch(a -> a.startsWith("-javaagent"));
    assertThat(hello.getCapabilities().getJfr()).isTrue();
    assertThat(hello.getCapabilities().getIoHooks()).isTrue();
    assertThat(hello.getCapabilities().getManageableFlagsList()).contains("HeapDumpOnOutOfMemoryError");

    List<TelemetryBatch> batches = collector.batches();
    for (int i = 1; i < batches.size(); i++) {
      assertThat(batches.get(i).getSequence()).isEqualTo(batches.get(i - 1).getSequence() + 1);
    }
    // the database file, per path, and the JDBC peer; never the agent's own connection
    // distinct kind and endpoint: a failure lists a few dozen lines, not every breakdown of the run
    List<String> endpoints = collector.ioEndpoints().stream()
        .map(e -> e.getKind().name() + " " + e.getEndpoint()).distinct().sorted().toList();
    assertThat(endpoints).anyMatch(e -> e.startsWith(IoKind.IO_KIND_FILE_WRITE.name() + " ") && e.endsWith("load.mv.db"));
    assertThat(endpoints).anyMatch(e -> e.startsWith(IoKind.IO_KIND_SOCKET_READ.name() + " 127.0.0.1:"));
    assertThat(collector.ioEndpoints()).noneMatch(e -> e.getEndpoint().endsWith(":" + collector.port()));
    assertThat(collector.batches().stream().flatMap(b -> b.getEventsList().stream()))
        .anyMatch(e -> e.hasGc() && e.getGc().getPauseMs() > 0 && e.getGc().getHeapBeforeBytes() > 0)
        .anyMatch(e -> e.hasAllocationProfile() && e.getAllocationProfile().getClassesCount() > 0)
        .anyMatch(e -> e.hasExecutionProfile() && e.getExecutionProfile().getStacksCount() > 0);
    assertThat(collector.heartbeats()).allSatisfy(h -> assertThat(h.getAdviceErrors()).isZero());
    assertThat(h2.server.output()).doesNotContain("umbra-agent ERROR").doesNotContain("umbra-agent WARN");
  }
}
