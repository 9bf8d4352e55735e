package dev.umbra.shadow.ingest;

import dev.umbra.shadow.auth.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.allocator.jvm.FlagResult;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.CommandResult;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointStore;
import dev.umbra.shadow.grpc.ShadowApi;
import dev.umbra.shadow.grpc.TelemetryGrpcService;
import dev.umbra.shadow.metrics.ShadowMetrics;
import dev.umbra.shadow.series.Retention;
import dev.umbra.shadow.series.SeriesStore;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jvm allocator's channel over a real (in-process) agent stream: what reaches the agent.
 * The agent applies interdependent flags whatever their order (commit 41413d0), so the shadow
 * sends every flag and the GC request in one {@code ApplyJvmSettings}.
 */
class JvmFlagsOverTheStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path data;
  private final MutableClock clock = MutableClock.at("2027-01-15T08:00:00Z");
  private SeriesStore store;
  private Ingest ingest;
  private CheckpointCoordinator checkpoints;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    ShadowMetrics metrics = new ShadowMetrics();
    store = new SeriesStore(data, Retention.defaults(), 600, clock, metrics);
    ingest = new Ingest(store, clock, metrics, Duration.ofSeconds(1), Duration.ofSeconds(60));
    checkpoints = new CheckpointCoordinator(new CheckpointStore(data.resolve("checkpoints"), 5),
        new SessionChannel(ingest.sessions()), clock, Duration.ofSeconds(30), Duration.ofSeconds(10), Optional.empty());
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(new TelemetryGrpcService(ingest.service(), checkpoints),
            ShadowApi.interceptors(TestTokens.allRoles())))
        .build()
        .start();
    channel = InProcessChannelBuilder.forName(name).intercept(TestTokens.bearer(TestTokens.ALL)).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    checkpoints.close();
    ingest.close();
    store.close();
  }

  @Test
  void sendsEveryFlagAndTheGcRequest_inOneCommand_andRemembersWhatTheAgentApplied() throws Exception {
    try (FakeAgent agent = new FakeAgent(channel)) {
      agent.hello(withJvm(FakeAgent.hello("jvm")));
      awaitConnected("jvm");
      JvmFlagsSessionChannel flags = new JvmFlagsSessionChannel(ingest.sessions());
      Map<String, String> wanted = new LinkedHashMap<>();
      wanted.put("MaxHeapFreeRatio", "30"); // refused before MinHeapFreeRatio is lowered: the agent retries it
      wanted.put("MinHeapFreeRatio", "10");
      wanted.put("SoftMaxHeapSize", "94371840");

      CompletableFuture<FlagResult> done = flags.apply("jvm", wanted, true);
      List<ShadowCommand> commands = applyCommands(agent, 1);
      ShadowCommand only = commands.get(0);
      assertThat(only.getApplyJvmSettings().getFlagsMap()).isEqualTo(wanted);
      assertThat(only.getApplyJvmSettings().getRequestGc()).isTrue();
      agent.send(AgentMessage.newBuilder().setCommandResult(CommandResult.newBuilder()
          .setCommandId(only.getCommandId()).setStatus(CommandStatus.COMMAND_STATUS_OK)
          .putAllDetails(wanted).putDetails("gc", "requested")).build());

      FlagResult result = done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(result.applied()).isEqualTo(wanted);
      assertThat(result.rejected()).isEmpty();
      assertThat(result.gcRequested()).isTrue();
      assertThat(flags.facts("jvm").get(WAIT.toSeconds(), TimeUnit.SECONDS).flags())
          .containsEntry("MinHeapFreeRatio", "10").containsEntry("MaxHeapFreeRatio", "30");
      assertThat(agent.received.stream().filter(ShadowCommand::hasApplyJvmSettings)).as("no second command").isEmpty();
    }
  }

  @Test
  void aFlagTheAgentRefused_isReportedWithTheJvmsReason_besideTheApplied() throws Exception {
    try (FakeAgent agent = new FakeAgent(channel)) {
      agent.hello(withJvm(FakeAgent.hello("jvm2")));
      awaitConnected("jvm2");
      JvmFlagsSessionChannel flags = new JvmFlagsSessionChannel(ingest.sessions());
      Map<String, String> wanted = new LinkedHashMap<>();
      wanted.put("MinHeapFreeRatio", "10");
      wanted.put("SoftMaxHeapSize", "999999999999");

      CompletableFuture<FlagResult> done = flags.apply("jvm2", wanted, false);
      ShadowCommand only = applyCommands(agent, 1).get(0);
      agent.send(AgentMessage.newBuilder().setCommandResult(CommandResult.newBuilder()
          .setCommandId(only.getCommandId()).setStatus(CommandStatus.COMMAND_STATUS_FAILED)
          .setMessage("not applied: SoftMaxHeapSize: must be less than or equal to the maximum heap size")
          .putDetails("MinHeapFreeRatio", "10")).build());

      FlagResult result = done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(result.applied()).containsExactly(Map.entry("MinHeapFreeRatio", "10"));
      assertThat(result.rejected()).containsEntry("SoftMaxHeapSize", "must be less than or equal to the maximum heap size");
    }
  }

  private static dev.umbra.proto.v1.Hello withJvm(dev.umbra.proto.v1.Hello hello) {
    return hello.toBuilder().setJvm(dev.umbra.proto.v1.JvmInfo.newBuilder().setJavaVersion("17.0.15")
        .addGarbageCollectors("G1 Young Generation").setMaxHeapBytes(512L << 20)).build();
  }

  /** The next {@code n} ApplyJvmSettings commands, skipping Acks. */
  private static List<ShadowCommand> applyCommands(FakeAgent agent, int n) throws InterruptedException {
    List<ShadowCommand> out = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (out.size() < n && System.nanoTime() < deadline) {
      ShadowCommand c = agent.received.poll(50, TimeUnit.MILLISECONDS);
      if (c != null && c.hasApplyJvmSettings()) {
        out.add(c);
      }
    }
    assertThat(out).as("ApplyJvmSettings commands received").hasSize(n);
    return out;
  }

  private void awaitConnected(String primary) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (ingest.sessions().get(primary).filter(s -> s.state() == PrimaryState.CONNECTED).isPresent()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(primary + " never connected");
  }
}
