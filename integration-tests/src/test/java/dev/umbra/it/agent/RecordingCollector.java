package dev.umbra.it.agent;

import dev.umbra.proto.v1.Ack;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.Heartbeat;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.IoEndpoint;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryBatch;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A TelemetryService that only records (like OpenTelemetry's fake backend), standing in for the
 * shadow's ingest: it records every AgentMessage, acknowledges every batch, and can be stopped,
 * restarted on the same port, and stalled (it stops reading, so HTTP/2 flow control pushes
 * back on the agent).
 */
final class RecordingCollector implements AutoCloseable {
  private final int port;
  private final List<AgentMessage> received = new CopyOnWriteArrayList<>();
  private final List<ServerCallStreamObserver<ShadowCommand>> streams = new CopyOnWriteArrayList<>();
  private volatile boolean stalled;
  private Server server;

  RecordingCollector(int port) {
    this.port = port;
  }

  RecordingCollector start() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        // a small HTTP/2 window, so that a stall pushes back on the agent within seconds
        .flowControlWindow(16 * 1024)
        .addService(new Service())
        .build()
        .start();
    return this;
  }

  /** Kills the server and every open stream at once, as a crashed shadow would. */
  void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
      server = null;
      streams.clear();
    }
  }

  /** Stops (true) or resumes (false) reading what agents send. */
  void stall(boolean stall) {
    stalled = stall;
    if (!stall) {
      streams.forEach(s -> s.request(1));
    }
  }

  /** Sends a command on every open stream (the shadow's side of Connect). */
  void send(ShadowCommand command) {
    streams.forEach(s -> s.onNext(command));
  }

  List<dev.umbra.proto.v1.CommandResult> results() {
    return received.stream().filter(AgentMessage::hasCommandResult).map(AgentMessage::getCommandResult)
        .collect(Collectors.toList());
  }

  int port() {
    return port;
  }

  List<AgentMessage> received() {
    return List.copyOf(received);
  }

  List<Hello> hellos() {
    return received.stream().filter(AgentMessage::hasHello).map(AgentMessage::getHello).collect(Collectors.toList());
  }

  List<TelemetryBatch> batches() {
    return received.stream().filter(AgentMessage::hasBatch).map(AgentMessage::getBatch).collect(Collectors.toList());
  }

  List<Heartbeat> heartbeats() {
    return received.stream().filter(AgentMessage::hasHeartbeat).map(AgentMessage::getHeartbeat)
        .collect(Collectors.toList());
  }

  /** Every value of a canonical (unlabeled) series, in arrival order. */
  List<Double> values(String series) {
    return batches().stream().flatMap(b -> b.getSeriesList().stream())
        .filter(s -> s.getName().equals(series) && s.getLabelsCount() == 0)
        .flatMap(s -> s.getValuesList().stream())
        .collect(Collectors.toList());
  }

  double max(String series) {
    return values(series).stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  Stream<SeriesData> labeled(String series) {
    return batches().stream().flatMap(b -> b.getSeriesList().stream())
        .filter(s -> s.getName().equals(series) && s.getLabelsCount() > 0);
  }

  List<dev.umbra.proto.v1.IoProfile> ioProfiles() {
    return batches().stream().flatMap(b -> b.getEventsList().stream())
        .filter(e -> e.hasIoProfile())
        .map(e -> e.getIoProfile())
        .collect(Collectors.toList());
  }

  List<IoEndpoint> ioEndpoints() {
    return batches().stream().flatMap(b -> b.getEventsList().stream())
        .filter(e -> e.hasIoProfile())
        .flatMap(e -> e.getIoProfile().getEndpointsList().stream())
        .collect(Collectors.toList());
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private final class Service extends TelemetryServiceGrpc.TelemetryServiceImplBase {
    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<ShadowCommand> responses) {
      ServerCallStreamObserver<ShadowCommand> call = (ServerCallStreamObserver<ShadowCommand>) responses;
      call.disableAutoRequest();
      streams.add(call);
      call.request(1);
      return new StreamObserver<>() {
        @Override
        public void onNext(AgentMessage message) {
          received.add(message);
          if (message.hasBatch()) {
            call.onNext(ShadowCommand.newBuilder()
                .setAck(Ack.newBuilder().setSequence(message.getBatch().getSequence())).build());
          }
          if (!stalled) {
            call.request(1);
          }
        }

        @Override
        public void onError(Throwable t) {
          streams.remove(call);
        }

        @Override
        public void onCompleted() {
          streams.remove(call);
          call.onCompleted();
        }
      };
    }
  }
}
