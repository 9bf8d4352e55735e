package dev.umbra.it.fleet;

import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.CommandResult;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.Criticality;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.JvmInfo;
import dev.umbra.proto.v1.SamplingConfig;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryBatch;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A simulated agent of one run of a workload: every second one batch with a point of
 * {@code cpu.process} (a square wave: 0.5 cores for 60 s, then 2 cores for 60 s, from the
 * run's start), {@code mem.heap.used} (a saw tooth) and {@code threads.live}, or the values a
 * {@link Values} gives (the benchmark replays traces). Batches the
 * shadow has not acknowledged are kept and resent after {@link #moveTo}, as the agent does when
 * its shadow goes away and it connects to the next address of its list. Thread-safe.
 */
final class FleetPrimary implements AutoCloseable {
  /** Proves this primary's id on every Hello, as the agent's in-memory secret does (issue 18). */
  private final com.google.protobuf.ByteString sessionSecret = newSessionSecret();

  private final String primaryId;
  private final String workload;
  private final long startMillis;
  private final Values values;
  private final TreeMap<Long, TelemetryBatch> unacknowledged = new TreeMap<>();
  private ScheduledFuture<?> producer;
  private StreamObserver<AgentMessage> requests;
  private long produced;
  private long highestAck;
  private boolean closed;

  /** The values a run sends for one second, by series name. */
  interface Values {
    Map<String, Double> at(long unixSecond);
  }

  private FleetPrimary(String primaryId, String workload, Values values) {
    this.primaryId = primaryId;
    this.workload = workload;
    this.values = values;
    this.startMillis = System.currentTimeMillis() / 1000 * 1000;
  }

  static FleetPrimary start(String primaryId, String workload, ManagedChannel channel, ScheduledExecutorService scheduler) {
    return start(primaryId, workload, channel, scheduler, null);
  }

  /** A run that sends {@code values} (null: the square wave, saw tooth and thread count). */
  static FleetPrimary start(String primaryId, String workload, ManagedChannel channel, ScheduledExecutorService scheduler,
      Values values) {
    FleetPrimary p = new FleetPrimary(primaryId, workload, values);
    p.moveTo(channel);
    synchronized (p) {
      p.producer = scheduler.scheduleAtFixedRate(p::produce, 1000, 1000, TimeUnit.MILLISECONDS);
    }
    return p;
  }

  String primaryId() {
    return primaryId;
  }

  /** The CPU demand of this run at Unix second {@code s}. */
  double cpu(long s) {
    long t = s - startMillis / 1000;
    return (t / 60) % 2 == 0 ? 0.5 : 2.0;
  }

  private synchronized void produce() {
    if (closed) {
      return;
    }
    produced++;
    long t = startMillis + produced * 1000 - 500; // the middle of the second that just ended
    long s = Math.floorDiv(t, 1000);
    TelemetryBatch.Builder builder = TelemetryBatch.newBuilder()
        .setSequence(produced)
        .setSentUnixMs(System.currentTimeMillis());
    if (values == null) {
      builder.addSeries(SeriesData.newBuilder().setName("cpu.process").addTimeUnixMs(t).addValues(cpu(s)))
          .addSeries(SeriesData.newBuilder().setName("mem.heap.used").addTimeUnixMs(t)
              .addValues(64e6 + (produced % 30) * 4e6))
          .addSeries(SeriesData.newBuilder().setName("threads.live").addTimeUnixMs(t).addValues(12));
    } else {
      values.at(s).forEach((name, v) -> builder.addSeries(SeriesData.newBuilder().setName(name).addTimeUnixMs(t).addValues(v)));
    }
    TelemetryBatch batch = builder.build();
    unacknowledged.put(produced, batch);
    if (requests != null) {
      try {
        requests.onNext(AgentMessage.newBuilder().setBatch(batch).build());
      } catch (RuntimeException e) {
        requests = null; // the stream is gone; the batch waits for the next shadow
      }
    }
  }

  /** Connects to a shadow (the next one of the agent's list) and resends what was not acknowledged. */
  synchronized void moveTo(ManagedChannel channel) {
    if (requests != null) {
      try {
        requests.onError(io.grpc.Status.CANCELLED.withDescription("moving to another shadow").asRuntimeException());
      } catch (RuntimeException e) {
        // already gone
      }
    }
    java.util.concurrent.atomic.AtomicReference<StreamObserver<AgentMessage>> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    self.set(TelemetryServiceGrpc.newStub(channel).withWaitForReady().connect(new StreamObserver<>() {
      @Override
      public void onNext(ShadowCommand command) {
        onCommand(self.get(), command);
      }

      @Override
      public void onError(Throwable t) {
        ended(self.get());
      }

      @Override
      public void onCompleted() {
        ended(self.get());
      }
    }));
    requests = self.get();
    long next = unacknowledged.isEmpty() ? produced + 1 : unacknowledged.firstKey();
    requests.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder()
        .setPrimaryId(primaryId)
        .setWorkload(workload)
        .setWorkloadName("dev.umbra.it.fleet.FleetPrimary " + workload)
        .setHost("localhost")
        .setPid(ProcessHandle.current().pid())
        .setJvmStartUnixMs(startMillis)
        .setAgentVersion("simulated")
        .setNextSequence(next)
        .setSessionSecret(sessionSecret)
        .setSampling(SamplingConfig.newBuilder().setCriticality(Criticality.CRITICALITY_NORMAL))
        .setJvm(JvmInfo.newBuilder().setJavaVersion(System.getProperty("java.version")).setMain("FleetPrimary")))
        .build());
    for (TelemetryBatch b : unacknowledged.values()) {
      requests.onNext(AgentMessage.newBuilder().setBatch(b).build());
    }
  }

  private synchronized void onCommand(StreamObserver<AgentMessage> from, ShadowCommand command) {
    if (command.hasAck()) {
      highestAck = Math.max(highestAck, command.getAck().getSequence());
      unacknowledged.headMap(highestAck, true).clear();
    } else if (from == requests) {
      from.onNext(AgentMessage.newBuilder().setCommandResult(CommandResult.newBuilder()
          .setCommandId(command.getCommandId())
          .setStatus(CommandStatus.COMMAND_STATUS_UNSUPPORTED)
          .setMessage("a simulated primary only sends telemetry")).build());
    }
  }

  private synchronized void ended(StreamObserver<AgentMessage> stream) {
    if (stream == requests) {
      requests = null;
    }
  }

  synchronized long highestAcknowledged() {
    return highestAck;
  }

  synchronized long produced() {
    return produced;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (producer != null) {
      producer.cancel(false);
    }
    if (requests != null) {
      try {
        requests.onCompleted();
      } catch (RuntimeException e) {
        // gone
      }
    }
  }

  private static com.google.protobuf.ByteString newSessionSecret() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return com.google.protobuf.ByteString.copyFrom(bytes);
  }
}
