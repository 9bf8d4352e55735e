package dev.umbra.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.ClassBytes;
import dev.umbra.proto.v1.ClassProfile;
import dev.umbra.proto.v1.Event;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.OldObjectSample;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryBatch;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import dev.umbra.shadow.Shadow;
import dev.umbra.shadow.auth.TestTokens;
import dev.umbra.shadow.config.ShadowConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapCommandTest {
  private static final long MB = 1 << 20;
  @TempDir Path data;
  private Shadow shadow;
  private String target;
  private ManagedChannel channel;
  private StreamObserver<AgentMessage> agent;
  private CliRun cli;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() throws Exception {
    cli = new CliRun(data);
    out = cli.out;
    err = cli.err;
    shadow = Shadow.start(ShadowConfig.of(new ShadowConfig.Endpoint("127.0.0.1", 0),
        new ShadowConfig.Endpoint("127.0.0.1", 0), data), Clock.systemUTC());
    target = "127.0.0.1:" + shadow.grpcAddress().getPort();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", shadow.grpcAddress().getPort()).usePlaintext()
        .intercept(TestTokens.fromDataFolder(data)).build();
    agent = TelemetryServiceGrpc.newStub(channel).connect(new StreamObserver<ShadowCommand>() {
      @Override
      public void onNext(ShadowCommand value) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    agent.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setPrimaryId("p1").setWorkload("wl")
        .setHost("host").setPid(42).setAgentVersion("test")).build());
  }

  @AfterEach
  void stop() throws Exception {
    agent.onCompleted();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    shadow.close();
  }

  private int run(String... args) {
    return cli.run(args);
  }

  private static Event histogram(long timeMillis, long entryBytes, long entries) {
    return Event.newBuilder().setTimeUnixMs(timeMillis).setClassHistogram(ClassProfile.newBuilder()
        .addClasses(ClassBytes.newBuilder().setClassName("com.example.Cache$Entry").setBytes(entryBytes).setCount(entries))
        .addClasses(ClassBytes.newBuilder().setClassName("[B").setBytes(40 * MB).setCount(900))
        .setOtherBytes(5 * MB)).build();
  }

  /** Sends two histograms a minute apart and an old object; waits until the shadow holds them. */
  private void leak() throws Exception {
    long t = System.currentTimeMillis() / 60_000 * 60_000 - 120_000;
    agent.onNext(AgentMessage.newBuilder().setBatch(TelemetryBatch.newBuilder().setSequence(1)
        .addEvents(histogram(t, 10 * MB, 100_000)).addEvents(histogram(t + 60_000, 58 * MB, 1_300_000))
        .addEvents(Event.newBuilder().setTimeUnixMs(t + 60_000).setOldObject(OldObjectSample.newBuilder()
            .setClassName("com.example.Cache$Entry").addAllocationFrames("com.example.Cache.put:42")))).build());
    for (int i = 0; i < 500 && shadow.ingest().heap().get("p1").map(h -> h.snapshots().size()).orElse(0) < 2; i++) {
      Thread.sleep(10);
    }
  }

  @Test
  void printsTheLargestClassesWithTheirGrowth_andTheOldObjects() throws Exception {
    leak();
    assertThat(run("heap", "p1", "--shadow", target)).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("2 histograms; growth from ").endsWith(" UTC");
    assertThat(lines.get(1)).startsWith("CLASS").contains("BYTES", "INSTANCES", "GROWTH", "INSTANCES GROWTH");
    assertThat(lines.get(2)).startsWith("com.example.Cache$Entry").contains("58.0 MB", "1.3 M", "+48.0 MB", "+1.2 M");
    assertThat(lines.get(3)).startsWith("[B").contains("40.0 MB", "900", " 0 ");
    assertThat(lines.get(4)).startsWith("(other classes)").contains("5.0 MB");
    assertThat(lines.get(6)).startsWith("OLD OBJECT SEEN (UTC)");
    assertThat(lines.get(7)).contains("com.example.Cache$Entry", "com.example.Cache.put:42");
  }

  @Test
  void printsJson() throws Exception {
    leak();
    assertThat(run("heap", "p1", "--shadow", target, "--json", "--classes", "1")).isZero();
    // growth only of the newest histogram's one class shown: not of [B, which did not grow
    assertThat(out.toString()).contains("\"primaryId\":\"p1\"", "\"className\":\"com.example.Cache$Entry\"",
        "\"bytesGrowth\":\"" + 48 * MB + "\"").doesNotContain("\"bytesGrowth\":\"0\"");
  }

  @Test
  void aPrimaryWithoutHistograms_saysSo() throws Exception {
    for (int i = 0; i < 500 && shadow.ingest().sessions().get("p1").isEmpty(); i++) {
      Thread.sleep(10);
    }
    assertThat(run("heap", "p1", "--shadow", target)).isZero();
    assertThat(out.toString()).startsWith("no class histogram from p1 yet");
  }

  @Test
  void anUnknownPrimary_failsWithOneLine() {
    assertThat(run("heap", "nope", "--shadow", target)).isEqualTo(1);
    assertThat(err.toString().lines().toList()).containsExactly("umbra: NOT_FOUND: no primary nope");
  }

  @Test
  void aBadLimit_isAUsageError() {
    assertThat(run("heap", "p1", "--shadow", target, "--classes", "31")).isEqualTo(2);
    assertThat(err.toString().lines().toList()).containsExactly("umbra: --classes: 31 is not in 1..30");
    assertThat(run("heap", "p1", "--shadow", target, "--snapshots", "0")).isEqualTo(2);
  }
}
