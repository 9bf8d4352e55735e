package dev.umbra.shadow.grpc;

import com.google.protobuf.Duration;
import dev.umbra.proto.v1.Exceedance;
import dev.umbra.proto.v1.Forecast;
import dev.umbra.proto.v1.ForecastServiceGrpc;
import dev.umbra.proto.v1.ForecastStep;
import dev.umbra.proto.v1.GetForecastRequest;
import dev.umbra.proto.v1.QuantileValues;
import dev.umbra.proto.v1.WatchForecastsRequest;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.live.PrimaryForecasts;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.ingest.PrimaryState;
import dev.umbra.shadow.ingest.Sessions;
import dev.umbra.shadow.metrics.ShadowMetrics;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.series.SeriesName;
import dev.umbra.shadow.threads.ShadowThreads;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@code umbra.v1.ForecastService} over {@link PrimaryForecasts}. */
public final class ForecastGrpcService extends ForecastServiceGrpc.ForecastServiceImplBase implements AutoCloseable {
  static final int MAX_STEPS = 1440;

  private final Sessions sessions;
  private final PrimaryForecasts forecasts;
  private final ShadowMetrics metrics;
  private final ScheduledExecutorService watchers =
      Executors.newSingleThreadScheduledExecutor(ShadowThreads.factory("forecast-watch", true));

  public ForecastGrpcService(Sessions sessions, PrimaryForecasts forecasts, ShadowMetrics metrics) {
    this.sessions = sessions;
    this.forecasts = forecasts;
    this.metrics = metrics;
  }

  @Override
  public void getForecast(GetForecastRequest request, StreamObserver<Forecast> out) {
    PrimarySession session = ApiMapping.requirePrimary(sessions, request.getPrimaryId());
    SeriesName series = ApiMapping.requireSeries(request.getSeries());
    Horizon horizon = horizon(request.hasHorizon() ? request.getHorizon() : null);
    QuantileLevels levels;
    try {
      levels = request.getQuantilesCount() == 0
          ? QuantileLevels.DEFAULT
          : QuantileLevels.of(request.getQuantilesList().stream().mapToDouble(Double::doubleValue).toArray());
    } catch (IllegalArgumentException e) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription("quantiles: " + e.getMessage()));
    }
    for (double x : request.getExceedanceThresholdsList()) {
      if (!Double.isFinite(x)) {
        throw new ApiException(Status.INVALID_ARGUMENT.withDescription("exceedance_thresholds: " + x + " is not finite"));
      }
    }
    out.onNext(toProto(session, make(session, series, horizon, levels), request.getExceedanceThresholdsList()));
    out.onCompleted();
  }

  private QuantileForecast make(PrimarySession session, SeriesName series, Horizon horizon, QuantileLevels levels) {
    long start = System.nanoTime();
    try {
      QuantileForecast f = forecasts.forecast(session.primaryId(), series, horizon, levels);
      metrics.forecastSeconds.labelValues(f.model()).observe((System.nanoTime() - start) / 1e9);
      return f;
    } catch (IllegalArgumentException e) {
      throw new ApiException(Status.NOT_FOUND.withDescription(e.getMessage()));
    } catch (InsufficientHistoryException e) {
      throw new ApiException(Status.FAILED_PRECONDITION.withDescription(
          "too little history of " + series + " for " + session.primaryId() + ": " + e.getMessage()));
    }
  }

  static Horizon horizon(dev.umbra.proto.v1.Horizon wire) {
    if (wire == null) {
      return Horizon.DEFAULT;
    }
    long stepSeconds = wire.getStep().getSeconds();
    if (wire.getStep().getNanos() != 0 || stepSeconds < 1 || stepSeconds > 3600) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription(
          "horizon.step must be whole seconds from 1 s to 1 h"));
    }
    if (wire.getSteps() < 1 || wire.getSteps() > MAX_STEPS) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription("horizon.steps must be in 1.." + MAX_STEPS));
    }
    return new Horizon(wire.getSteps(), java.time.Duration.ofSeconds(stepSeconds));
  }

  static Forecast toProto(PrimarySession session, QuantileForecast f, List<Double> thresholds) {
    Forecast.Builder b = Forecast.newBuilder()
        .setPrimaryId(session.primaryId())
        .setWorkload(session.identity().workload())
        .setSeries(f.series())
        .setUnit(SeriesName.of(f.series()).unit())
        .setIssuedUnixMs(System.currentTimeMillis())
        .setOriginUnixMs(f.origin().toEpochMilli())
        .setStep(Duration.newBuilder().setSeconds(f.step().getSeconds()))
        .setModel(f.model())
        .setModelVersion(f.modelVersion());
    for (double level : f.levels().toArray()) {
      b.addQuantileLevels(level);
    }
    for (int s = 0; s < f.horizon().steps(); s++) {
      ForecastStep.Builder step = ForecastStep.newBuilder()
          .setTimeUnixMs(f.origin().plus(f.step().multipliedBy(s + 1L)).toEpochMilli());
      for (double v : f.stepQuantiles(s)) {
        step.addValues(v);
      }
      b.addSteps(step);
    }
    QuantileValues.Builder peak = QuantileValues.newBuilder();
    for (double v : f.peakQuantiles()) {
      peak.addValues(v);
    }
    b.setPeak(peak);
    for (double x : thresholds) {
      b.addExceedances(Exceedance.newBuilder().setThreshold(x).setProbability(f.probabilityPeakAbove(x)));
    }
    f.fallbackReason().ifPresent(reason -> b.setFallback(true).setFallbackReason(reason));
    f.selection().ifPresent(b::setSelectionReason);
    return b.build();
  }

  /** Sends a forecast of each selected series every horizon step; a client that does not read misses updates instead of buffering them. */
  @Override
  public void watchForecasts(WatchForecastsRequest request, StreamObserver<Forecast> responses) {
    Horizon horizon = horizon(request.hasHorizon() ? request.getHorizon() : null);
    List<SeriesName> series = new ArrayList<>();
    for (String s : request.getSeriesList()) {
      series.add(ApiMapping.requireSeries(s));
    }
    if (series.isEmpty()) {
      Canonical.all().forEach(c -> series.add(c.seriesName()));
    }
    if (!request.getPrimaryId().isEmpty()) {
      ApiMapping.requirePrimary(sessions, request.getPrimaryId());
    }
    var out = (ServerCallStreamObserver<Forecast>) responses;
    long period = Math.max(1, horizon.step().toSeconds());
    ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
    task[0] = watchers.scheduleWithFixedDelay(() -> {
      if (out.isCancelled()) {
        task[0].cancel(false);
        return;
      }
      for (PrimarySession session : sessions.all()) {
        if (session.state() != PrimaryState.CONNECTED
            || (!request.getPrimaryId().isEmpty() && !request.getPrimaryId().equals(session.primaryId()))) {
          continue;
        }
        for (SeriesName s : series) {
          if (!out.isReady()) {
            return; // slow client: skip this round
          }
          try {
            out.onNext(toProto(session, forecasts.forecast(session.primaryId(), s, horizon, QuantileLevels.DEFAULT), List.of()));
          } catch (IllegalArgumentException | InsufficientHistoryException e) {
            // no data or too little history for this series yet
          } catch (RuntimeException e) {
            task[0].cancel(false);
            out.onError(Status.INTERNAL.withDescription("internal error").asRuntimeException());
            return;
          }
        }
      }
    }, 0, period, TimeUnit.SECONDS);
    out.setOnCancelHandler(() -> task[0].cancel(false));
  }

  @Override
  public void close() {
    watchers.shutdownNow();
  }
}
