package dev.umbra.shadow.grpc;

import dev.umbra.proto.v1.CommandResult;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.GetSeriesResponse;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.ListPrimariesResponse;
import dev.umbra.proto.v1.SetSampling;
import dev.umbra.proto.v1.SetSamplingRequest;
import dev.umbra.proto.v1.SetSamplingResponse;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.ingest.PrimaryState;
import dev.umbra.shadow.ingest.Sessions;
import dev.umbra.shadow.series.SeriesName;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.series.SeriesWindow;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * {@code umbra.v1.ControlService}: the primaries, their series, and live sampling. Checkpoints
 * and the resource manager's decisions are served by their own parts when those are present.
 */
public final class ControlGrpcService extends ControlServiceGrpc.ControlServiceImplBase {
  static final int DEFAULT_SERIES_LIMIT = 600;
  static final int MAX_SERIES_LIMIT = 86_400;

  private final Sessions sessions;
  private final SeriesStore store;
  private final Clock clock;

  public ControlGrpcService(Sessions sessions, SeriesStore store, Clock clock) {
    this.sessions = sessions;
    this.store = store;
    this.clock = clock;
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
    int limit = request.getLimit() == 0 ? DEFAULT_SERIES_LIMIT : (int) Math.min(request.getLimit(), MAX_SERIES_LIMIT);
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
    PrimarySession session = ApiMapping.requirePrimary(sessions, request.getPrimaryId());
    if (!request.hasSampling()) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription("sampling is missing"));
    }
    CommandResult result;
    try {
      result =
          session
              .send(ShadowCommand.newBuilder().setSetSampling(SetSampling.newBuilder().setSampling(request.getSampling())))
              .get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ApiException(Status.DEADLINE_EXCEEDED.withDescription("the agent did not answer within 10 s"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(Status.CANCELLED.withDescription("interrupted"));
    } catch (java.util.concurrent.ExecutionException e) {
      throw new ApiException(Status.INTERNAL.withDescription(e.getCause().toString()));
    }
    if (result.getStatus() != CommandStatus.COMMAND_STATUS_OK) {
      throw new ApiException(Status.FAILED_PRECONDITION.withDescription("the agent refused: " + result.getMessage()));
    }
    out.onNext(SetSamplingResponse.newBuilder().setSampling(request.getSampling()).build());
    out.onCompleted();
  }
}
