package dev.umbra.it.checkpoint;

import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.CheckpointInfo;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.ListCheckpointsRequest;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.PrimaryState;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code umbra run} process (the shaded jar) and a gRPC client to its in-process shadow. */
final class UmbraRun implements AutoCloseable {
  private static final Pattern SHADOW = Pattern.compile("umbra run: shadow on 127\\.0\\.0\\.1:(\\d+), data ([^,]+),");

  final JavaProcess process;
  private ManagedChannel channel;

  private UmbraRun(JavaProcess process) {
    this.process = process;
  }

  /** {@code java -jar umbra-shadow.jar run <options> -- <primary>} in {@code work}. */
  static UmbraRun start(Path work, List<String> options, List<String> primary) throws IOException {
    List<String> args = new ArrayList<>(List.of("-Xmx512m", "-jar", JavaProcess.shadowJar().toString(), "run",
        "--agent-jar", JavaProcess.agentJar().toString()));
    args.addAll(options);
    args.add("--");
    args.addAll(primary);
    return new UmbraRun(JavaProcess.start("umbra-run", JavaProcess.java17Home(), args, Map.of("OMP_NUM_THREADS", "1"), work));
  }

  /** A JDK 17 primary running {@code mainClass} from the test classes, with umbra-api on its class path. */
  static List<String> primary(List<String> jvmOptions, String mainClass, String... args) {
    return primary(JavaProcess.java17Home(), jvmOptions, mainClass, args);
  }

  /** The same on the JDK in {@code javaHome}. */
  static List<String> primary(Path javaHome, List<String> jvmOptions, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin/java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(JavaProcess.testClasses() + java.io.File.pathSeparator + umbraApi());
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  static String umbraApi() {
    try {
      return Path.of(dev.umbra.api.Umbra.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  ControlServiceGrpc.ControlServiceBlockingStub control() throws InterruptedException {
    if (channel == null) {
      process.awaitOutput(SHADOW.pattern(), Duration.ofSeconds(120));
      Matcher m = SHADOW.matcher(process.output());
      if (!m.find()) {
        throw new AssertionError("no shadow port in:\n" + process.output());
      }
      // the operator's credential from the run's data folder, as 'umbra rollback --data' would read it
      channel = NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(m.group(1))).usePlaintext()
          .intercept(new dev.umbra.it.support.ShadowCredentials(java.nio.file.Path.of(m.group(2))).asTestClient())
          .build();
    }
    return ControlServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  Optional<Primary> connectedPrimary() throws InterruptedException {
    return control().listPrimaries(ListPrimariesRequest.getDefaultInstance()).getPrimariesList().stream()
        .filter(p -> p.getState() == PrimaryState.PRIMARY_STATE_CONNECTED).findFirst();
  }

  List<CheckpointInfo> checkpoints() throws InterruptedException {
    return control().listCheckpoints(ListCheckpointsRequest.getDefaultInstance()).getCheckpointsList();
  }

  /** Seconds of heap telemetry the shadow holds for {@code primaryId}. */
  int heapSeconds(String primaryId) throws InterruptedException {
    return control().getSeries(dev.umbra.proto.v1.GetSeriesRequest.newBuilder()
        .setPrimaryId(primaryId).setSeries("mem.heap.used").build()).getValuesCount();
  }

  @Override
  public void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
    }
    process.close();
  }
}
