package dev.umbra.shadow.grpc;

import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.AnomalyServiceGrpc;
import dev.umbra.proto.v1.ListAnomaliesRequest;
import dev.umbra.proto.v1.ListAnomaliesResponse;
import dev.umbra.proto.v1.WatchAnomaliesRequest;
import dev.umbra.shadow.anomaly.AnomalyLog;
import dev.umbra.shadow.ingest.Sessions;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code umbra.v1.AnomalyService} over the {@link AnomalyLog}. Watch streams get each new
 * anomaly on the detector's thread as it is published; they end with UNAVAILABLE when the
 * shadow closes.
 */
public final class AnomalyGrpcService extends AnomalyServiceGrpc.AnomalyServiceImplBase implements AutoCloseable {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;

  private final Sessions sessions;
  private final AnomalyLog log;
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

  public AnomalyGrpcService(Sessions sessions, AnomalyLog log) {
    this.sessions = sessions;
    this.log = log;
  }

  @Override
  public void listAnomalies(ListAnomaliesRequest request, StreamObserver<ListAnomaliesResponse> out) {
    requireKnownOrEmpty(request.getPrimaryId());
    if (request.getSinceUnixMs() < 0) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription("since_unix_ms must not be negative"));
    }
    if (Integer.toUnsignedLong(request.getLimit()) > MAX_LIMIT) { // a uint32 of 2^31 or more is a negative int
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription("limit must be at most " + MAX_LIMIT));
    }
    int limit = request.getLimit() == 0 ? DEFAULT_LIMIT : request.getLimit();
    out.onNext(ListAnomaliesResponse.newBuilder()
        .addAllAnomalies(log.list(request.getPrimaryId(), request.getSinceUnixMs(), limit).stream()
            .map(AnomalyMapping::toProto).toList())
        .build());
    out.onCompleted();
  }

  @Override
  public void watchAnomalies(WatchAnomaliesRequest request, StreamObserver<Anomaly> responses) {
    requireKnownOrEmpty(request.getPrimaryId());
    double minScore = request.getMinScore();
    if (!(minScore >= 0 && minScore <= 1)) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription("min_score must be in [0, 1]"));
    }
    var out = (ServerCallStreamObserver<Anomaly>) responses;
    Watch watch = new Watch(out, request.getPrimaryId(), minScore);
    watch.subscription = log.subscribe(watch::offer);
    watches.add(watch);
    out.setOnCancelHandler(() -> watch.end(null));
  }

  private void requireKnownOrEmpty(String primaryId) {
    if (!primaryId.isEmpty() && sessions.get(primaryId).isEmpty()) {
      throw new ApiException(Status.NOT_FOUND.withDescription("no primary " + ApiMapping.echo(primaryId)));
    }
  }

  @Override
  public void close() {
    for (Watch w : watches) {
      w.end(Status.UNAVAILABLE.withDescription("the shadow is shutting down"));
    }
  }

  private final class Watch {
    private final ServerCallStreamObserver<Anomaly> out;
    private final String primaryId;
    private final double minScore;
    private AutoCloseable subscription;
    private boolean ended;

    Watch(ServerCallStreamObserver<Anomaly> out, String primaryId, double minScore) {
      this.out = out;
      this.primaryId = primaryId;
      this.minScore = minScore;
    }

    synchronized void offer(dev.umbra.shadow.anomaly.Anomaly a) {
      if (ended || out.isCancelled()) {
        return;
      }
      if ((primaryId.isEmpty() || primaryId.equals(a.primaryId())) && a.score() >= minScore) {
        try {
          out.onNext(AnomalyMapping.toProto(a));
        } catch (RuntimeException e) {
          end(null); // the call is gone
        }
      }
    }

    synchronized void end(Status status) {
      if (ended) {
        return;
      }
      ended = true;
      watches.remove(this);
      try {
        subscription.close();
      } catch (Exception e) {
        // removing from a list does not fail
      }
      if (status != null && !out.isCancelled()) {
        try {
          out.onError(status.asRuntimeException());
        } catch (RuntimeException e) {
          // already closed
        }
      }
    }
  }
}
