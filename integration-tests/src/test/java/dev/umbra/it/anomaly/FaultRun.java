package dev.umbra.it.anomaly;

import dev.umbra.it.shadow.ShadowProcess;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.AnomalyServiceGrpc;
import dev.umbra.proto.v1.ListAnomaliesRequest;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.WatchAnomaliesRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real shadow, a {@code FaultPrimary} with the real agent from launch, and a WatchAnomalies
 * stream that records each anomaly with the time it was delivered.
 */
final class FaultRun implements AutoCloseable {
  /** An anomaly and when the watch stream delivered it (wall clock, ms). */
  record Delivered(Anomaly anomaly, long deliveredMillis) {}

  final ShadowProcess shadow;
  final JavaProcess primary;
  final String primaryId;
  /** Everything the watch stream delivered (all primaries: there is one). */
  final List<Delivered> delivered;
  private final ManagedChannel channel;
  private final OutputStream stdin;

  private FaultRun(ShadowProcess shadow, JavaProcess primary, String primaryId, ManagedChannel channel,
      List<Delivered> delivered) {
    this.delivered = delivered;
    this.shadow = shadow;
    this.primary = primary;
    this.primaryId = primaryId;
    this.channel = channel;
    this.stdin = primary.process().getOutputStream();
  }

  static FaultRun start(Path work) throws IOException, InterruptedException {
    ShadowProcess shadow = ShadowProcess.start(work, "-Xmx512m");
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", shadow.grpcPort()).usePlaintext().build();
    List<Delivered> delivered = new CopyOnWriteArrayList<>();
    AnomalyServiceGrpc.newStub(channel).watchAnomalies(WatchAnomaliesRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(Anomaly a) {
        delivered.add(new Delivered(a, System.currentTimeMillis()));
      }

      @Override
      public void onError(Throwable t) {
        System.out.println("watch ended: " + t);
      }

      @Override
      public void onCompleted() {}
    });
    JavaProcess primary = JavaProcess.start("fault-primary", JavaProcess.java17Home(),
        List.of("-Xmx512m", "-XX:+UseG1GC",
            "-javaagent:" + JavaProcess.agentJar() + "=shadow=127.0.0.1:" + shadow.grpcPort(),
            "-cp", JavaProcess.testClasses().toString(), "dev.umbra.it.primaries.FaultPrimary",
            work.resolve("io").toString()),
        Map.of(), work);
    primary.awaitOutput("fault primary ready", Duration.ofSeconds(60));
    String[] id = new String[1];
    until("the primary at the shadow", () -> {
      Optional<Primary> p = shadow.primaries(false).stream().filter(x -> x.getPid() == primary.pid()).findFirst();
      p.ifPresent(x -> id[0] = x.getPrimaryId());
      return p.isPresent();
    }, Duration.ofSeconds(60), primary::output);
    return new FaultRun(shadow, primary, id[0], channel, delivered);
  }

  /** Sends a command to the primary; returns when it says it acted, with its time (epoch ms). */
  long cue(String command) throws IOException, InterruptedException {
    stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    Pattern ack = Pattern.compile("^fault " + Pattern.quote(command) + " at (\\d+)$", Pattern.MULTILINE);
    long[] at = new long[1];
    until("the primary to acknowledge " + command, () -> {
      Matcher m = ack.matcher(primary.output());
      long last = -1;
      while (m.find()) {
        last = Long.parseLong(m.group(1));
      }
      at[0] = last;
      return last > 0 && last >= sentAfter;
    }, Duration.ofSeconds(30), primary::output);
    sentAfter = at[0] + 1;
    return at[0];
  }

  private long sentAfter;

  /** Every anomaly of the primary the shadow keeps, newest first. */
  List<Anomaly> anomalies() {
    return AnomalyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .listAnomalies(ListAnomaliesRequest.newBuilder().setPrimaryId(primaryId).setLimit(1000).build())
        .getAnomaliesList();
  }

  static void until(String what, BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> context)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "\n" + context.get());
      }
      Thread.sleep(100);
    }
  }

  String output() {
    return "--- fault primary ---\n" + primary.output() + "\n--- shadow ---\n" + shadow.current().output();
  }

  @Override
  public void close() throws Exception {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    primary.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    shadow.close();
  }
}
