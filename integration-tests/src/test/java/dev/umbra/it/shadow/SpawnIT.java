package dev.umbra.it.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.it.support.Procs;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.PrimaryState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shadow=spawn} with real processes: primaries started with the agent and no shadow
 * running end up streaming to one shadow the first of them spawned — a different process,
 * detached, in a cgroup of its own when limits are set — which exits once they are gone, leaving
 * no process or cgroup behind. And with no shadow jar to be found, one clear line and the
 * application runs on.
 */
class SpawnIT {
  /** The default; shorter grace lost the race against agents that took 10 s to connect under load. */
  private static final Duration IDLE = Duration.ofSeconds(30);
  private static final Duration SLOW = Duration.ofSeconds(300);

  @TempDir Path work;
  private final int port = FreePort.pick();
  private final List<JavaProcess> primaries = new ArrayList<>();
  private final List<Long> shadows = new ArrayList<>();
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws Exception {
    for (JavaProcess p : primaries) {
      System.out.println("--- output of " + p + " ---\n" + p.output());
      p.close();
    }
    Path log = work.resolve("data/shadow.log");
    if (Files.exists(log)) {
      System.out.println("--- shadow.log ---\n" + Files.readString(log));
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    // the shadow is detached (own session): the primaries' process trees do not include it
    Procs.listening(port).ifPresent(shadows::add);
    shadows.addAll(Procs.withCommandLine("umbra-shadow.jar", "--port " + port + " "));
    for (long pid : shadows) {
      String cgroups = Procs.cgroups(pid);
      ProcessHandle.of(pid).ifPresent(h -> {
        h.destroyForcibly();
        h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
      });
      for (Path dir : Procs.cgroupDirectories(cgroups, "umbra-shadow-" + pid)) {
        if (Files.isDirectory(dir)) {
          System.out.println("removing cgroup left behind: " + dir);
          Files.delete(dir);
        }
      }
    }
  }

  private JavaProcess primary(String name, String agentOptions) throws IOException {
    JavaProcess p = JavaProcess.start(name, JavaProcess.java17Home(),
        List.of("-Xmx128m", "-javaagent:" + JavaProcess.agentJar() + "=" + agentOptions,
            "-cp", JavaProcess.testClasses().toString(), "dev.umbra.it.primaries.Ticker", "600"),
        Map.of(), work);
    primaries.add(p);
    return p;
  }

  private List<Primary> connected() {
    if (channel == null) {
      channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
          .intercept(new dev.umbra.it.support.ShadowCredentials(work.resolve("data")).asTestClient()).build();
    }
    try {
      return ControlServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .listPrimaries(ListPrimariesRequest.newBuilder().build()).getPrimariesList().stream()
          .filter(p -> p.getState() == PrimaryState.PRIMARY_STATE_CONNECTED).toList();
    } catch (StatusRuntimeException e) {
      return List.of();
    }
  }

  private Set<Long> connectedPids() {
    return connected().stream().map(Primary::getPid).collect(Collectors.toSet());
  }

  private void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  @Test
  void twoPrimariesShareOneSpawnedShadow_inItsOwnCgroup_whichExitsAfterThem() throws Exception {
    Path home = Files.createDirectories(work.resolve("home"));
    Files.createSymbolicLink(home.resolve("umbra-shadow.jar"), JavaProcess.shadowJar());
    String options = "shadow=spawn:127.0.0.1:" + port + ",home=" + home + ",spawn.data=" + work.resolve("data")
        + ",spawn.idle=" + IDLE.toSeconds() + "s,spawn.heap=384m,spawn.offheap=128m,spawn.cpu=1,spawn.memory=1g,log=info";
    assertThat(Procs.listening(port)).as("nothing listens on %d yet", port).isEmpty();

    // both at once: whichever agent spawns, both must end up on one shadow
    JavaProcess first = primary("primary-1", options);
    JavaProcess second = primary("primary-2", options);

    await("both primaries connected to a shadow on " + port,
        () -> connectedPids().containsAll(Set.of(first.pid(), second.pid())), SLOW);
    long shadowPid = Procs.listening(port).orElseThrow(() -> new AssertionError("nobody listens on " + port));
    shadows.add(shadowPid);
    assertThat(shadowPid).isNotIn(first.pid(), second.pid());
    assertThat(Procs.commandLine(shadowPid)).contains("umbra-shadow.jar serve").contains("--exit-when-idle " + IDLE.toMillis() + "ms");
    await("one shadow process for the port (a second one, if launched, gave way)",
        () -> Procs.withCommandLine("umbra-shadow.jar", "--port " + port + " ").equals(List.of(shadowPid)), SLOW);
    // detached: a session (and process group) of its own, not the primary's
    assertThat(sessionId(shadowPid)).isEqualTo(shadowPid).isNotEqualTo(sessionId(first.pid()));

    String cgroups = Procs.cgroups(shadowPid);
    List<Path> ownCgroup = Procs.cgroupDirectories(cgroups, "umbra-shadow-" + shadowPid);
    if (Procs.cgroupsWritable()) {
      assertThat(ownCgroup).as("cgroups of the shadow: %s", cgroups).isNotEmpty();
      assertThat(ownCgroup).allMatch(Files::isDirectory);
      assertThat(Procs.cgroups(first.pid())).doesNotContain("umbra-shadow-");
      Path memory = ownCgroup.stream().filter(d -> d.toString().contains("/memory/")).findFirst()
          .orElse(ownCgroup.get(0));
      String limit = Files.exists(memory.resolve("memory.limit_in_bytes"))
          ? Files.readString(memory.resolve("memory.limit_in_bytes")) : Files.readString(memory.resolve("memory.max"));
      assertThat(limit.strip()).isEqualTo(Long.toString(1L << 30));
    } else {
      assertThat(Files.readString(work.resolve("data/shadow.log")))
          .contains("cannot put the shadow in a cgroup of its own");
    }

    first.close(); // SIGTERM: the JVM exits normally
    await("only the second primary connected", () -> connectedPids().equals(Set.of(second.pid())), SLOW);
    assertThat(ProcessHandle.of(shadowPid).map(ProcessHandle::isAlive)).contains(true);

    second.close();
    Optional<ProcessHandle> shadow = ProcessHandle.of(shadowPid);
    if (shadow.isPresent()) {
      // grace + a few seconds, generously: the box is shared
      shadow.get().onExit().get(IDLE.toSeconds() + 60, TimeUnit.SECONDS);
    }
    assertThat(ProcessHandle.of(shadowPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(ownCgroup).noneMatch(Files::exists);
    assertThat(Files.readString(work.resolve("data/shadow.log"))).contains("no primary connected for the idle period");
  }

  @Test
  void withNoShadowJarToBeFound_saysSoOnce_andTheApplicationRunsOn() throws Exception {
    Path emptyHome = Files.createDirectories(work.resolve("empty-home"));

    JavaProcess app = primary("primary-nojar", "shadow=spawn:127.0.0.1:" + port + ",home=" + emptyHome
        + ",spawn.data=" + work.resolve("data"));

    app.awaitOutput("umbra-agent ERROR shadow=spawn: cannot start a shadow: no umbra-shadow\\.jar", SLOW);
    String seen = app.output();
    int ticks = ticks(seen);
    app.awaitCondition("ten more ticks", () -> ticks(app.output()) >= ticks + 10, SLOW);
    String output = app.output();
    assertThat(output.split("cannot start a shadow", -1)).hasSize(2); // exactly once
    assertThat(output).contains(emptyHome.toString());
    assertThat(output).doesNotContain("\tat "); // no stack trace
    assertThat(Procs.listening(port)).isEmpty();
    assertThat(app.isAlive()).isTrue();
  }

  private static int ticks(String output) {
    return (int) output.lines().filter(l -> l.startsWith("tick ")).count();
  }

  /** Field 6 of /proc/<pid>/stat: the session id. */
  private static long sessionId(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[6 - 3]);
  }
}
