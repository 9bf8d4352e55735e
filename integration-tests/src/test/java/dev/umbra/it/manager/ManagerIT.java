package dev.umbra.it.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.cgroup.Cgroup;
import dev.umbra.allocator.cgroup.CgroupManager;
import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.Decision;
import dev.umbra.proto.v1.DecisionAction;
import dev.umbra.proto.v1.ListDecisionsRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource manager in a real {@code umbra serve}, managing a real primary (with the agent):
 * it adopts a cgroup someone else created, applies limits through the cgroup plugin, records why,
 * serves the audit through {@code ListDecisions} and {@code umbra decisions}, and refuses with a
 * reason, applying nothing, when the cgroup vanished or the allocator is unknown.
 */
class ManagerIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path work;
  private final List<JavaProcess> processes = new ArrayList<>();
  private CgroupManager cgroups;
  private Cgroup cgroup;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (JavaProcess p : processes) {
      System.out.println("--- output of " + p + " ---\n" + p.output());
      p.close();
    }
    if (cgroup != null) {
      cgroups.remove(cgroup);
    }
  }

  @Test
  void adoptsACgroupSomeoneElseCreated_appliesLimits_andRefusesOnceItVanished() throws Exception {
    try {
      cgroups = CgroupManager.detect();
      cgroup = cgroups.create("it-manager-" + ProcessHandle.current().pid());
    } catch (AllocatorException e) {
      assumeTrue(false, "cgroups are not writable here: " + e.getMessage());
    }
    int port = shadow("cgroup");
    JavaProcess primary = primary(port, Optional.of(cgroup));

    Decision applied = await(port, d -> d.getResource().equals("cpu") && d.getApplied());
    assertThat(applied.getTarget()).contains("pid " + primary.pid()).contains(cgroup.memoryPath());
    assertThat(applied.getAllocator()).isEqualTo("cgroup");
    assertThat(applied.getReason()).contains("peak p95 over 5 s");
    Allocation limits = cgroups.limits(cgroup);
    assertThat(limits.cpuCores()).isPresent();

    JavaProcess cli = JavaProcess.start("decisions", JavaProcess.java17Home(), List.of("-jar",
        JavaProcess.shadowJar().toString(), "decisions", "--shadow", "127.0.0.1:" + port, "--data", work.resolve("data").toString(), "--changes"),
        Map.of(), work);
    assertThat(cli.awaitExit(Duration.ofSeconds(60))).isZero();
    assertThat(cli.output()).contains("RESOURCE").contains("cpu").contains("yes");

    cgroups.remove(cgroup); // the primary moves to the parent: the host's root cpu cgroup here
    cgroup = null;
    Decision refused = await(port, d -> d.getAction() == DecisionAction.DECISION_ACTION_REFUSED);
    assertThat(refused.getApplied()).isFalse();
    assertThat(refused.getReason()).contains("root cgroup");
  }

  @Test
  void anUnknownAllocator_refusesEveryDecision_withTheKnownNames_andTheAuditOutlivesARestart() throws Exception {
    int port = shadow("nope");
    JavaProcess primary = primary(port, Optional.empty());

    Decision refused = await(port, d -> d.getAction() == DecisionAction.DECISION_ACTION_REFUSED);

    assertThat(refused.getReason()).contains("unknown allocator 'nope'").contains("cgroup").contains("nothing applied");
    assertThat(refused.getApplied()).isFalse();

    primary.close();
    processes.get(0).close(); // SIGTERM: the shadow shuts down as an operator would stop it
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    int again = shadow("cgroup", "off"); // same data folder, manager off: only the audit file can show it
    Decision kept = await(again, d -> d.getDecisionId().equals(refused.getDecisionId()));
    assertThat(kept.getReason()).isEqualTo(refused.getReason());
    assertThat(kept.getPrimaryId()).isEqualTo(refused.getPrimaryId());
  }

  private int shadow(String allocator) throws Exception {
    return shadow(allocator, "auto");
  }

  private int shadow(String allocator, String manage) throws Exception {
    int port = FreePort.pick();
    JavaProcess shadow = JavaProcess.start("shadow", JavaProcess.java17Home(), List.of("-Xmx512m", "-jar",
        JavaProcess.shadowJar().toString(), "serve", "--port", String.valueOf(port), "--http-port", "0", "--data",
        work.resolve("data").toString(), "--manage", manage, "--allocator", allocator),
        Map.of("UMBRA_MANAGE_EVERY", "1s", "UMBRA_MANAGE_LEAD", "5s", "UMBRA_MANAGE_MEMORY_MIN", "64m",
            "OMP_NUM_THREADS", "1"), work);
    processes.add(shadow);
    shadow.awaitOutput("shadow listening on", WAIT);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .intercept(new dev.umbra.it.support.ShadowCredentials(work.resolve("data")).asTestClient()).build();
    return port;
  }

  private JavaProcess primary(int port, Optional<Cgroup> in) throws Exception {
    String java = JavaProcess.java17Home().resolve("bin/java") + " -Xmx128m -XX:+UseG1GC -javaagent:"
        + JavaProcess.agentJar() + "=shadow=127.0.0.1:" + port + ","
        + new dev.umbra.it.support.ShadowCredentials(work.resolve("data")).agentOption() + " -cp " + JavaProcess.testClasses()
        + " dev.umbra.it.primaries.PhasedWorkload 1000 0.2 30 0 600 " + work.resolve("result.txt");
    String command = in.map(c -> "echo $$ > " + c.cpuDirectory().resolve("cgroup.procs") + " && echo $$ > "
        + c.memoryDirectory().resolve("cgroup.procs") + " && ").orElse("") + "exec " + java;
    JavaProcess primary = JavaProcess.exec("primary", List.of("sh", "-c", command), Map.of(), work);
    processes.add(primary);
    primary.awaitOutput("schedule starts at", WAIT);
    return primary;
  }

  private Decision await(int port, Predicate<Decision> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<Decision> seen = List.of();
    while (System.nanoTime() < deadline) {
      try {
        seen = ControlServiceGrpc.newBlockingStub(channel).withWaitForReady().withDeadlineAfter(30, TimeUnit.SECONDS)
            .listDecisions(ListDecisionsRequest.newBuilder().setLimit(200).build()).getDecisionsList();
      } catch (io.grpc.StatusRuntimeException e) {
        // a loaded machine: the shadow may answer late; try again until the deadline
        System.out.println("listDecisions: " + e.getStatus());
        continue;
      }
      Optional<Decision> found = seen.stream().filter(wanted).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no such decision within " + WAIT + "; newest: "
        + seen.stream().limit(10).map(Decision::getReason).toList());
  }
}
