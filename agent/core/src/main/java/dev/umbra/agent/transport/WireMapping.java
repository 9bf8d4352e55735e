package dev.umbra.agent.transport;

import com.google.protobuf.Duration;
import dev.umbra.agent.command.Command;
import dev.umbra.agent.command.CommandResult;
import dev.umbra.agent.command.SamplingChange;
import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.telemetry.AgentEvent;
import dev.umbra.agent.telemetry.AgentStatus;
import dev.umbra.agent.telemetry.Batch;
import dev.umbra.agent.telemetry.Identity;
import dev.umbra.agent.telemetry.Point;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.Capabilities;
import dev.umbra.proto.v1.ClassBytes;
import dev.umbra.proto.v1.ClassProfile;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.ContentionEntry;
import dev.umbra.proto.v1.ContentionProfile;
import dev.umbra.proto.v1.Event;
import dev.umbra.proto.v1.GcEvent;
import dev.umbra.proto.v1.Heartbeat;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.IoEndpoint;
import dev.umbra.proto.v1.IoKind;
import dev.umbra.proto.v1.IoProfile;
import dev.umbra.proto.v1.JvmInfo;
import dev.umbra.proto.v1.OldObjectSample;
import dev.umbra.proto.v1.SamplingConfig;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.StackCount;
import dev.umbra.proto.v1.StackProfile;
import dev.umbra.proto.v1.TelemetryBatch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The one place agent records and {@code umbra.v1} messages meet. */
final class WireMapping {
  static final String AGENT_VERSION = "0.1.0";

  private WireMapping() {}

  static AgentMessage hello(Identity id, AgentStatus status, Sampling sampling, Map<String, String> tags,
      long nextSequence) {
    Identity.JvmFacts jvm = id.jvm();
    return AgentMessage.newBuilder().setHello(Hello.newBuilder()
        .setPrimaryId(id.primaryId())
        .setWorkload(id.workload().hash())
        .setWorkloadName(id.workload().name())
        .setHost(id.host())
        .setPid(id.pid())
        .setJvmStartUnixMs(id.jvmStartUnixMs())
        .setJvm(JvmInfo.newBuilder()
            .setJavaVersion(jvm.javaVersion())
            .setVmVendor(jvm.vmVendor())
            .setVmName(jvm.vmName())
            .addAllInputArguments(jvm.inputArguments())
            .setMain(jvm.main())
            .addAllGarbageCollectors(jvm.garbageCollectors())
            .setMaxHeapBytes(jvm.maxHeapBytes())
            .setAvailableProcessors(jvm.availableProcessors())
            .setContainerCpuLimitCores(jvm.containerCpuLimitCores())
            .setContainerMemoryLimitBytes(jvm.containerMemoryLimitBytes())
            .setOs(jvm.os()))
        .setCapabilities(Capabilities.newBuilder()
            .setJfr(status.jfrRunning())
            .setIoHooks(status.ioHooksInstalled())
            .setCrac(status.cracAvailable())
            .addAllCheckpointEngines(status.checkpointEngines())
            .addAllCheckpointables(status.checkpointables())
            .addAllManageableFlags(status.manageableFlags()))
        .setSampling(sampling(sampling))
        .setAgentVersion(AGENT_VERSION)
        .putAllTags(tags)
        .setNextSequence(nextSequence)).build();
  }

  static SamplingConfig sampling(Sampling s) {
    SamplingConfig.Builder b = SamplingConfig.newBuilder()
        .setCriticality(switch (s.criticality()) {
          case LOW -> dev.umbra.proto.v1.Criticality.CRITICALITY_LOW;
          case NORMAL -> dev.umbra.proto.v1.Criticality.CRITICALITY_NORMAL;
          case HIGH -> dev.umbra.proto.v1.Criticality.CRITICALITY_HIGH;
        })
        .setBatchPeriod(duration(s.batchPeriod()))
        .setGaugePeriod(duration(s.gaugePeriod()))
        .setExecutionSamplesOff(!s.executionSamplesOn())
        .setClassHistogramOff(!s.classHistogramOn())
        .setTopClasses(s.topClasses())
        .setIoEventThreshold(duration(s.ioEventThreshold()))
        .setContentionThreshold(duration(s.contentionThreshold()));
    if (s.executionSamplesOn()) {
      b.setExecutionSamplePeriod(duration(s.executionSamplePeriod()));
    }
    if (s.classHistogramOn()) {
      b.setClassHistogramPeriod(duration(s.classHistogramPeriod()));
    }
    return b.build();
  }

  static AgentMessage batch(Batch batch, long droppedBatches, long droppedPoints, long sentUnixMs) {
    TelemetryBatch.Builder b = TelemetryBatch.newBuilder()
        .setSequence(batch.sequence())
        .setSentUnixMs(sentUnixMs)
        .setDroppedBatches(droppedBatches)
        .setDroppedPoints(droppedPoints);
    Map<String, SeriesData.Builder> series = new LinkedHashMap<>();
    for (Point p : batch.points()) {
      String key = p.labels().isEmpty() ? p.series() : p.series() + p.labels();
      series.computeIfAbsent(key, k -> SeriesData.newBuilder().setName(p.series()).putAllLabels(p.labels()))
          .addTimeUnixMs(p.timeUnixMs()).addValues(p.value());
    }
    series.values().forEach(b::addSeries);
    for (AgentEvent e : batch.events()) {
      b.addEvents(event(e));
    }
    return AgentMessage.newBuilder().setBatch(b).build();
  }

  static Event event(AgentEvent e) {
    Event.Builder b = Event.newBuilder().setTimeUnixMs(e.timeUnixMs());
    if (e instanceof AgentEvent.Gc gc) {
      b.setGc(GcEvent.newBuilder().setName(gc.name()).setCause(gc.cause()).setPauseMs(gc.pauseMs())
          .setHeapBeforeBytes(gc.heapBeforeBytes()).setHeapAfterBytes(gc.heapAfterBytes()));
    } else if (e instanceof AgentEvent.Stacks s) {
      StackProfile.Builder p = StackProfile.newBuilder().setInterval(duration(s.interval()));
      s.stacks().forEach(c -> p.addStacks(StackCount.newBuilder().addAllFrames(c.frames()).setSamples(c.samples())));
      b.setExecutionProfile(p);
    } else if (e instanceof AgentEvent.Classes c) {
      ClassProfile.Builder p = ClassProfile.newBuilder().setInterval(duration(c.interval())).setOtherBytes(c.otherBytes());
      c.classes().forEach(k -> p.addClasses(ClassBytes.newBuilder().setClassName(k.className()).setBytes(k.bytes()).setCount(k.count())));
      if (c.kind() == AgentEvent.ClassesKind.ALLOCATION) {
        b.setAllocationProfile(p);
      } else {
        b.setClassHistogram(p);
      }
    } else if (e instanceof AgentEvent.Io io) {
      IoProfile.Builder p = IoProfile.newBuilder().setInterval(duration(io.interval()))
          .setSampleEvery(io.sampleEvery());
      io.endpoints().forEach(x -> p.addEndpoints(IoEndpoint.newBuilder()
          .setKind(IoKind.forNumber(x.kind()))
          .setEndpoint(x.endpoint())
          .setBytes(x.bytes())
          .setOperations(x.operations())
          .setLatencyTotalMs(x.latencyTotalMs())
          .setLatencyMaxMs(x.latencyMaxMs())
          .setSequentialOperations(x.sequentialOperations())
          .setRandomOperations(x.randomOperations())));
      b.setIoProfile(p);
    } else if (e instanceof AgentEvent.Contention c) {
      ContentionProfile.Builder p = ContentionProfile.newBuilder().setInterval(duration(c.interval()));
      c.entries().forEach(x -> p.addEntries(ContentionEntry.newBuilder().setClassName(x.className())
          .setType(x.type()).setEvents(x.events()).setDurationTotalMs(x.durationTotalMs())));
      b.setContentionProfile(p);
    } else if (e instanceof AgentEvent.OldObject o) {
      b.setOldObject(OldObjectSample.newBuilder().setClassName(o.className())
          .setAllocationUnixMs(o.allocationUnixMs()).setHeapUsedBytes(o.heapUsedBytes())
          .addAllAllocationFrames(o.allocationFrames()));
    }
    return b.build();
  }

  static AgentMessage heartbeat(long nowUnixMs, AgentStatus status, int buffered, long droppedTotal) {
    return AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
        .setTimeUnixMs(nowUnixMs)
        .setAdviceErrors(status.adviceErrors())
        .setBufferedBatches(buffered)
        .setDroppedBatchesTotal(droppedTotal)
        .setAgentCpuMs(status.agentCpuMillis())).build();
  }

  static AgentMessage result(CommandResult r) {
    return AgentMessage.newBuilder().setCommandResult(dev.umbra.proto.v1.CommandResult.newBuilder()
        .setCommandId(r.commandId())
        .setStatus(switch (r.status()) {
          case OK -> CommandStatus.COMMAND_STATUS_OK;
          case FAILED -> CommandStatus.COMMAND_STATUS_FAILED;
          case UNSUPPORTED -> CommandStatus.COMMAND_STATUS_UNSUPPORTED;
        })
        .setMessage(r.message())
        .putAllDetails(r.details())).build();
  }

  /** The command, or empty for Ack (handled by the transport) and unknown kinds. */
  static Optional<Command> command(ShadowCommand c) {
    return switch (c.getKindCase()) {
      case SET_SAMPLING -> Optional.of(new Command.SetSampling(c.getCommandId(), change(c.getSetSampling().getSampling())));
      case APPLY_JVM_SETTINGS -> Optional.of(new Command.ApplyJvmSettings(c.getCommandId(),
          c.getApplyJvmSettings().getFlagsMap(), c.getApplyJvmSettings().getRequestGc()));
      case CHECKPOINT -> Optional.of(new Command.Checkpoint(c.getCommandId(), c.getCheckpoint().getCheckpointId(),
          c.getCheckpoint().getEngine()));
      case ROLLBACK -> Optional.of(new Command.Rollback(c.getCommandId(), c.getRollback().getCheckpointId(),
          c.getRollback().getReason()));
      default -> Optional.empty();
    };
  }

  static SamplingChange change(SamplingConfig s) {
    Optional<Criticality> criticality = switch (s.getCriticality()) {
      case CRITICALITY_LOW -> Optional.of(Criticality.LOW);
      case CRITICALITY_NORMAL -> Optional.of(Criticality.NORMAL);
      case CRITICALITY_HIGH -> Optional.of(Criticality.HIGH);
      default -> Optional.empty();
    };
    return new SamplingChange(criticality,
        positive(s.hasBatchPeriod(), s.getBatchPeriod()),
        positive(s.hasGaugePeriod(), s.getGaugePeriod()),
        positive(s.hasExecutionSamplePeriod(), s.getExecutionSamplePeriod()),
        s.getExecutionSamplesOff(),
        positive(s.hasClassHistogramPeriod(), s.getClassHistogramPeriod()),
        s.getClassHistogramOff(),
        s.getTopClasses() > 0 ? OptionalInt.of(s.getTopClasses()) : OptionalInt.empty(),
        positive(s.hasIoEventThreshold(), s.getIoEventThreshold()),
        positive(s.hasContentionThreshold(), s.getContentionThreshold()));
  }

  private static Optional<java.time.Duration> positive(boolean present, Duration d) {
    java.time.Duration value = java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
    return present && !value.isZero() && !value.isNegative() ? Optional.of(value) : Optional.empty();
  }

  static Duration duration(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

}
