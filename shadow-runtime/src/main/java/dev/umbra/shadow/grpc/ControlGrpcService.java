package dev.umbra.shadow.grpc;

import dev.umbra.proto.v1.CheckpointInfo;
import dev.umbra.proto.v1.CheckpointRequest;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.GetHeapRequest;
import dev.umbra.proto.v1.GetHeapResponse;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.GetSeriesResponse;
import dev.umbra.proto.v1.ListCheckpointsRequest;
import dev.umbra.proto.v1.ListCheckpointsResponse;
import dev.umbra.proto.v1.ListDecisionsRequest;
import dev.umbra.proto.v1.ListDecisionsResponse;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.ListPrimariesResponse;
import dev.umbra.proto.v1.RollbackRequest;
import dev.umbra.proto.v1.RollbackResponse;
import dev.umbra.proto.v1.SetSampling;
import dev.umbra.proto.v1.SetSamplingRequest;
import dev.umbra.proto.v1.SetSamplingResponse;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointException;
import dev.umbra.shadow.checkpoint.CheckpointManifest;
import dev.umbra.shadow.checkpoint.CorruptCheckpointException;
import dev.umbra.shadow.heap.HeapStore;
import dev.umbra.shadow.heap.PrimaryHeap;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.ingest.PrimaryState;
import dev.umbra.shadow.ingest.Sessions;
import dev.umbra.shadow.manager.DecisionLog;
import dev.umbra.shadow.series.SeriesName;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.series.SeriesWindow;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code umbra.v1.ControlService}: the primaries, their series and heap contents, live sampling and
 * checkpoints.
 * Calls that wait for an agent complete asynchronously: no gRPC thread blocks on a primary.
 */
public final class ControlGrpcService extends ControlServiceGrpc.ControlServiceImplBase {
  static final int DEFAULT_SERIES_LIMIT = 600;
  static final int MAX_SERIES_LIMIT = 86_400;

  private final Sessions sessions;
  private final SeriesStore store;
  private final CheckpointCoordinator checkpoints;
  private final Clock clock;
  private final DecisionLog decisions;
  private final HeapStore heap;
  static final int DEFAULT_DECISIONS_LIMIT = 100;
  static final int MAX_DECISIONS_LIMIT = 10_000;
  /** How long a command to an agent may take; checkpoints of large state take longest. */
  static final long COMMAND_TIMEOUT_SECONDS = 120;

  public ControlGrpcService(Sessions sessions, SeriesStore store, CheckpointCoordinator checkpoints, Clock clock) {
    this(sessions, store, checkpoints, clock, new DecisionLog());
  }

  public ControlGrpcService(Sessions sessions, SeriesStore store, CheckpointCoordinator checkpoints, Clock clock,
      DecisionLog decisions) {
    this(sessions, new Reads(store, decisions, new HeapStore()), checkpoints, clock);
  }

  /**
   * What the read-only calls read besides the sessions.
   *
   * @param store the series (GetSeries)
   * @param decisions the resource manager's audit log (ListDecisions)
   * @param heap the class histograms and old objects (GetHeap)
   */
  public record Reads(SeriesStore store, DecisionLog decisions, HeapStore heap) {
    public Reads {
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(decisions, "decisions");
      Objects.requireNonNull(heap, "heap");
    }
  }

  public ControlGrpcService(Sessions sessions, Reads reads, CheckpointCoordinator checkpoints, Clock clock) {
    this.sessions = sessions;
    this.store = reads.store();
    this.checkpoints = checkpoints;
    this.clock = clock;
    this.decisions = reads.decisions();
    this.heap = reads.heap();
  }

  /** The class histograms and old objects kept of one primary, with each class's growth. */
  @Override
  public void getHeap(GetHeapRequest request, StreamObserver<GetHeapResponse> out) {
    PrimarySession session = ApiMapping.requirePrimary(sessions, request.getPrimaryId());
    HeapMapping.Limits limits = HeapMapping.limits(request);
    out.onNext(HeapMapping.toProto(session.primaryId(), heap.get(session.primaryId()).orElse(PrimaryHeap.empty()), limits));
    out.onCompleted();
  }

  /** The resource manager's audit log, newest first; empty while the manager is off. */
  @Override
  public void listDecisions(ListDecisionsRequest request, StreamObserver<ListDecisionsResponse> out) {
    if (!request.getPrimaryId().isBlank()) {
      ApiMapping.requirePrimary(sessions, request.getPrimaryId());
    }
    int limit = limit(request.getLimit(), DEFAULT_DECISIONS_LIMIT, MAX_DECISIONS_LIMIT);
    ListDecisionsResponse.Builder response = ListDecisionsResponse.newBuilder();
    decisions.newest(request.getPrimaryId(), limit, request.getChangesOnly())
        .forEach(d -> response.addDecisions(DecisionMapping.toProto(d)));
    out.onNext(response.build());
    out.onCompleted();
  }

  @Override
  public void listPrimaries(ListPrimariesRequest request, StreamObserver<ListPrimariesResponse> out) {
    ListPrimariesResponse.Builder response = ListPrimariesResponse.newBuilder();
    sessions.all().stream()
        .map(PrimarySession::view)
        .filter(v -> request.getIncludeGone() || v.state() != PrimaryState.GONE)
        .sorted(Comparator.comparing(v -> v.primaryId()))
        .forEach(v -> response.addPrimaries(ApiMapping.toProto(v)));
    out.onNext(response.build());
    out.onCompleted();
  }

  @Override
  public void getSeries(GetSeriesRequest request, StreamObserver<GetSeriesResponse> out) {
    PrimarySession session = ApiMapping.requirePrimary(sessions, request.getPrimaryId());
    SeriesName series = ApiMapping.requireSeries(request.getSeries());
    int limit = limit(request.getLimit(), DEFAULT_SERIES_LIMIT, MAX_SERIES_LIMIT);
    long to;
    long from;
    if (request.getSinceUnixMs() > 0) {
      from = Math.floorDiv(request.getSinceUnixMs(), 1000);
      to = from + limit;
    } else {
      long newest = store.newestSecond(session.primaryId(), series);
      to = newest == Long.MIN_VALUE ? clock.millis() / 1000 : newest + 1;
      from = to - limit;
    }
    SeriesWindow window = store.window(session.primaryId(), series, from, to);
    GetSeriesResponse.Builder response =
        GetSeriesResponse.newBuilder().setPrimaryId(session.primaryId()).setSeries(series.value()).setUnit(series.unit());
    for (int i = 0; i < window.size(); i++) {
      double v = window.value(i);
      if (!Double.isNaN(v)) {
        response.addTimeUnixMs((window.firstSecond() + i) * 1000).addValues(v);
      }
    }
    out.onNext(response.build());
    out.onCompleted();
  }

  @Override
  public void setSampling(SetSamplingRequest request, StreamObserver<SetSamplingResponse> out) {
    if (!request.hasSampling()) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription("sampling is missing"));
    }
    SamplingBounds.check(request.getSampling());
    PrimarySession session = ApiMapping.requirePrimary(sessions, request.getPrimaryId());
    session
        .send(ShadowCommand.newBuilder().setSetSampling(SetSampling.newBuilder().setSampling(request.getSampling())))
        .orTimeout(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .whenComplete((result, failure) -> {
          if (failure != null) {
            out.onError(statusOf(failure).asRuntimeException());
          } else if (result.getStatus() != CommandStatus.COMMAND_STATUS_OK) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("the agent refused: " + result.getMessage()).asRuntimeException());
          } else {
            out.onNext(SetSamplingResponse.newBuilder().setSampling(request.getSampling()).build());
            out.onCompleted();
          }
        });
  }

  @Override
  public void checkpoint(CheckpointRequest request, StreamObserver<CheckpointInfo> out) {
    ApiMapping.requirePrimary(sessions, request.getPrimaryId());
    checkpoints.checkpoint(request.getPrimaryId(), request.getEngine()).whenComplete((m, failure) -> {
      if (failure != null) {
        out.onError(statusOf(failure).asRuntimeException());
      } else {
        out.onNext(ApiMapping.toProto(m));
        out.onCompleted();
      }
    });
  }

  @Override
  public void rollback(RollbackRequest request, StreamObserver<RollbackResponse> out) {
    ApiMapping.requirePrimary(sessions, request.getPrimaryId());
    Optional<String> target = request.getCheckpointId().isBlank() ? Optional.empty() : Optional.of(request.getCheckpointId());
    String reason = request.getReason().isBlank() ? "requested through the API" : request.getReason();
    checkpoints.rollback(request.getPrimaryId(), target, reason).whenComplete((m, failure) -> {
      if (failure != null) {
        out.onError(statusOf(failure).asRuntimeException());
      } else {
        out.onNext(RollbackResponse.newBuilder().setRestored(ApiMapping.toProto(m))
            .setMessage("restored " + m.id() + " (" + m.sizeBytes() + " bytes)").build());
        out.onCompleted();
      }
    });
  }

  @Override
  public void listCheckpoints(ListCheckpointsRequest request, StreamObserver<ListCheckpointsResponse> out) {
    List<CheckpointManifest> found;
    try {
      if (!request.getPrimaryId().isBlank()) {
        PrimarySession session = ApiMapping.requirePrimary(sessions, request.getPrimaryId());
        found = checkpoints.list(session.identity().workload()).stream()
            .filter(m -> m.primaryId().equals(request.getPrimaryId())).toList();
      } else if (!request.getWorkload().isBlank()) {
        found = checkpoints.list(request.getWorkload());
      } else {
        found = checkpoints.listAll();
      }
    } catch (IllegalArgumentException e) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
    } catch (IOException e) {
      throw new ApiException(Status.INTERNAL.withDescription("cannot read checkpoints: " + e.getMessage()));
    }
    ListCheckpointsResponse.Builder response = ListCheckpointsResponse.newBuilder();
    found.forEach(m -> response.addCheckpoints(ApiMapping.toProto(m)));
    out.onNext(response.build());
    out.onCompleted();
  }

  /**
   * A {@code uint32 limit}: 0 means {@code fallback}, anything above {@code max} is read as
   * {@code max}. protobuf hands a uint32 to Java as an int, so 2^31 and above arrive negative.
   */
  static int limit(int wireUint32, int fallback, int max) {
    long requested = Integer.toUnsignedLong(wireUint32);
    return requested == 0 ? fallback : (int) Math.min(requested, max);
  }

  /** The status for a failed asynchronous operation. */
  static Status statusOf(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof TimeoutException) {
      return Status.DEADLINE_EXCEEDED.withDescription("the agent did not answer within " + COMMAND_TIMEOUT_SECONDS + " s");
    }
    if (cause instanceof CorruptCheckpointException) {
      return Status.DATA_LOSS.withDescription(cause.getMessage());
    }
    if (cause instanceof CheckpointException) {
      return Status.FAILED_PRECONDITION.withDescription(cause.getMessage());
    }
    if (cause instanceof ApiException api) {
      return api.status();
    }
    return Status.INTERNAL.withDescription("internal error");
  }
}
