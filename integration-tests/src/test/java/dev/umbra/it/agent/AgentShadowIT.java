package dev.umbra.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.shadow.ShadowProcess;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.Primary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The agent and a real shadow ({@code umbra serve}) together: an H2 server under SQL load, with
 * the agent from launch (JDK 17 and 25) or attached by {@code umbra attach}, and the shadow
 * storing non-zero CPU, heap, allocation, GC, disk and network series for it. The tests run two
 * at a time (integration-tests/pom.xml): each has its own shadow and H2 server, its load runs a
 * fixed 12 s whatever the machine's speed, and nothing here is timed.
 */
class AgentShadowIT {
  @TempDir Path work;
  private ShadowProcess shadow;
  private H2Workload h2;

  @AfterEach
  void tearDown() throws Exception {
    if (h2 != null) {
      System.out.println("--- output of the H2 primary ---\n" + h2.server.output());
      h2.server.close();
    }
    if (shadow != null) {
      System.out.println("--- output of the shadow ---\n" + shadow.current().output());
      shadow.close();
    }
  }

  @ParameterizedTest(name = "JDK {0}")
  @ValueSource(ints = {17, 25})
  @Execution(ExecutionMode.CONCURRENT)
  void theShadowStoresNonZeroSeries_ofAPrimaryWithTheAgentFromLaunch(int jdk) throws Exception {
    Path javaHome = AgentH2IT.javaHome(jdk);
    shadow = ShadowProcess.start(work, "-Xmx512m");
    h2 = H2Workload.start("h2-" + jdk, javaHome, work,
        List.of("-javaagent:" + JavaProcess.agentJar() + "=" + shadow.agentOptions()));
    Primary primary = awaitPrimary(h2.server.pid());
    assertThat(primary.getWorkloadName()).isEqualTo("org.h2.tools.Server");
    assertThat(primary.getJvm().getJavaVersion()).startsWith(Integer.toString(jdk));

    h2.load(Duration.ofSeconds(12));

    awaitNonZeroSeries(primary.getPrimaryId());
    Primary after = awaitPrimary(h2.server.pid());
    assertThat(after.getBatchesReceived()).isPositive();
    assertThat(after.getLoss()).isZero();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void theShadowStoresNonZeroSeries_ofAPrimaryTheAgentWasAttachedTo() throws Exception {
    shadow = ShadowProcess.start(work, "-Xmx512m");
    h2 = H2Workload.start("h2-attach", JavaProcess.java17Home(), work, List.of());
    JavaProcess attach = JavaProcess.start("attach", JavaProcess.java17Home(),
        List.of("-jar", JavaProcess.shadowJar().toString(), "attach", Long.toString(h2.server.pid()),
            shadow.agentOptions()),
        Map.of(), work);
    assertThat(attach.awaitExit(Duration.ofSeconds(60))).as(attach.output()).isZero();
    Primary primary = awaitPrimary(h2.server.pid());

    h2.load(Duration.ofSeconds(12));

    awaitNonZeroSeries(primary.getPrimaryId());
  }

  private Primary awaitPrimary(long pid) throws InterruptedException {
    Primary[] found = new Primary[1];
    Await.until("primary " + pid + " at the shadow", () -> {
      Optional<Primary> p = shadow.primaries(false).stream().filter(x -> x.getPid() == pid).findFirst();
      p.ifPresent(x -> found[0] = x);
      return p.isPresent();
    }, Duration.ofSeconds(60), () -> h2.server.output() + shadow.current().output());
    return found[0];
  }

  private void awaitNonZeroSeries(String primaryId) throws InterruptedException {
    Await.until("non-zero " + AgentH2IT.NON_ZERO + " at the shadow",
        () -> AgentH2IT.NON_ZERO.stream().allMatch(s -> max(primaryId, s) > 0),
        Duration.ofSeconds(30),
        () -> "maxima: " + AgentH2IT.NON_ZERO.stream().map(s -> s + "=" + max(primaryId, s)).toList());
  }

  private double max(String primaryId, String series) {
    return shadow.control()
        .getSeries(GetSeriesRequest.newBuilder().setPrimaryId(primaryId).setSeries(series).setLimit(300).build())
        .getValuesList().stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }
}
