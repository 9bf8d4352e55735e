package dev.umbra.shadow;

import dev.umbra.shadow.action.ActionPolicy;
import dev.umbra.shadow.action.Responder;
import dev.umbra.shadow.anomaly.Alerts;
import dev.umbra.shadow.anomaly.AnomalyDetection;
import dev.umbra.shadow.anomaly.AnomalyLog;
import dev.umbra.shadow.anomaly.DetectorSettings;
import dev.umbra.shadow.anomaly.HeapEvidence;
import dev.umbra.shadow.auth.CredentialFiles;
import dev.umbra.shadow.auth.Credentials;
import dev.umbra.shadow.auth.Role;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointStore;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.dashboard.Dashboard;
import dev.umbra.shadow.dashboard.DashboardSources;
import dev.umbra.shadow.fleet.Fleet;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.live.LearnedModels;
import dev.umbra.shadow.forecast.live.LearningSettings;
import dev.umbra.shadow.forecast.live.PrimaryForecasts;
import dev.umbra.shadow.forecast.lstm.WorkloadIdentity;
import dev.umbra.shadow.grpc.AnomalyGrpcService;
import dev.umbra.shadow.grpc.AnomalyMapping;
import dev.umbra.shadow.grpc.ControlGrpcService;
import dev.umbra.shadow.grpc.ForecastGrpcService;
import dev.umbra.shadow.grpc.ServerStartException;
import dev.umbra.shadow.grpc.ShadowApi;
import dev.umbra.shadow.grpc.ShadowServer;
import dev.umbra.shadow.grpc.TelemetryGrpcService;
import dev.umbra.shadow.http.HttpAccess;
import dev.umbra.shadow.http.HttpEndpoint;
import dev.umbra.shadow.ingest.Ingest;
import dev.umbra.shadow.ingest.JvmFlagsSessionChannel;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.ingest.SessionChannel;
import dev.umbra.shadow.ingest.SessionLimits;
import dev.umbra.shadow.ingest.Sessions;
import dev.umbra.shadow.manager.ActionAudit;
import dev.umbra.shadow.manager.AnomalyScaler;
import dev.umbra.shadow.manager.DecisionLog;
import dev.umbra.shadow.manager.ResourceManager;
import dev.umbra.shadow.metrics.ShadowMetrics;
import dev.umbra.shadow.series.Retention;
import dev.umbra.shadow.series.SeriesStore;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running shadow: the composition root that starts every part from one {@link ShadowConfig}
 * and closes them in reverse order.
 */
public final class Shadow implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Shadow.class);

  /** Grid seconds stay open this long for late points. */
  static final Duration LATENESS = Duration.ofSeconds(1);
  /** A disconnected primary is gone after this long. */
  static final Duration GONE_AFTER = Duration.ofSeconds(60);
  /** Seconds of each canonical series kept in memory. */
  static final int RECENT_SECONDS = 3600;
  /** Checkpoints kept per workload besides its newest known-good. */
  static final int CHECKPOINTS_KEPT = 5;
  /** Anomalies kept per primary for ListAnomalies. */
  static final int ANOMALIES_KEPT = 1000;

  private final ShadowConfig config;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final ShadowMetrics metrics = new ShadowMetrics();
  private DecisionLog decisions = new DecisionLog();
  private SeriesStore store;
  private Ingest ingest;
  private CheckpointCoordinator checkpoints;
  private PrimaryForecasts forecasts;
  private AnomalyLog anomalies;
  private Fleet fleet;
  private ShadowServer grpc;
  private HttpEndpoint http;
  private Dashboard dashboard;
  private boolean closed;

  private Shadow(ShadowConfig config) {
    this.config = config;
  }

  /** Starts a shadow; on failure everything already started is closed again. */
  public static Shadow start(ShadowConfig config, Clock clock) throws ServerStartException {
    Shadow shadow = new Shadow(config);
    try {
      shadow.startParts(clock);
    } catch (ServerStartException | RuntimeException e) {
      shadow.close();
      throw e;
    }
    logger.info("shadow started grpc={} http={} data={}", shadow.grpcAddress(), shadow.httpAddress(),
        config.dataDir());
    return shadow;
  }

  private void startParts(Clock clock) throws ServerStartException {
    // Fail on a taken port before opening the data folder: another shadow on the same port
    // most likely holds the same data folder too, and the port says so more clearly.
    requireFree(config.grpc(), "");
    if (config.http().port() != config.grpc().port() || config.http().port() == 0) {
      requireFree(config.http(), " (http)");
    }
    Credentials credentials = credentials(config);
    store = own(new SeriesStore(config.dataDir(), Retention.defaults(), RECENT_SECONDS, clock, metrics));
    decisions = own(DecisionLog.open(config.dataDir())); // the manager's audit, kept across restarts
    ingest = own(new Ingest(store, clock, metrics, LATENESS, GONE_AFTER,
        new SessionLimits(config.limits().maxPrimaries(), config.limits().maxPrimariesPerAddress())));
    HeapEvidence heapEvidence = new HeapEvidence(ingest.heap());
    anomalies = new AnomalyLog(ANOMALIES_KEPT, heapEvidence);
    heapEvidence.explainLater(anomalies);
    checkpoints =
        own(
            new CheckpointCoordinator(
                new CheckpointStore(config.dataDir().resolve("checkpoints"), CHECKPOINTS_KEPT),
                new SessionChannel(ingest.sessions()),
                clock,
                config.checkpoints().quietPeriod(),
                Duration.ofSeconds(120),
                config.checkpoints().every()));
    LearnedModels models = own(new LearnedModels(store, config.dataDir().resolve("models"), liveModelSettings(config), clock));
    ingest.addListener((session, points) -> models.offer(session.primaryId(),
        () -> workloadIdentity(session.identity()), points));
    forecasts = new PrimaryForecasts(store, clock, models);
    Alerts alerts = own(new Alerts(metrics,
        config.alerts().webhook().map(uri -> new Alerts.Webhook(uri, AnomalyMapping::toJson)),
        Duration.ofSeconds(5), 3, Duration.ofMillis(500)));
    // the coordinator hears of an anomaly before anyone acts on it: no checkpoint taken before it becomes known-good
    anomalies.subscribe(a -> checkpoints.anomalyObserved(a.primaryId(), a.detected()));
    anomalies.subscribe(alerts);
    ingest.addEarlyListener(own(new AnomalyDetection(anomalies, metrics, clock, DetectorSettings.DEFAULT)));
    AnomalyGrpcService anomalyApi = new AnomalyGrpcService(ingest.sessions(), anomalies);
    if (config.manage().mode() != ShadowConfig.Manage.Mode.OFF) {
      own(ResourceManager.start(config.manage(), ingest.sessions(), forecasts, store, decisions, clock));
    }
    if (config.act().on()) {
      startActing(clock);
    }
    if (config.fleet().kafka().isPresent()) {
      fleet = own(Fleet.start(config.fleet(), config.grpc().toString(), ingest, store, forecasts,
          metrics.registry(), clock));
      own(anomalies.subscribe(fleet.events().anomalies()));
      checkpoints.addListener(fleet.events().checkpoints());
      decisions.subscribe(fleet.events().decisions());
    }
    grpc =
        own(
            ShadowServer.start(
                config.grpc(),
                config.security(),
                List.of(
                    new TelemetryGrpcService(ingest.service(), checkpoints),
                    own(new ForecastGrpcService(ingest.sessions(), forecasts, metrics)),
                    new ControlGrpcService(ingest.sessions(), new ControlGrpcService.Reads(store, decisions, ingest.heap()),
                        checkpoints, clock),
                    anomalyApi),
                ShadowApi.interceptors(credentials)));
    own(anomalyApi); // closed before the server: ends watch streams so its shutdown need not wait for them
    http = own(HttpEndpoint.start(config.http(), metrics.registry(),
        HttpAccess.of(config.http().isLoopback(), credentials)));
    dashboard = own(new Dashboard(ingest, store, forecasts, checkpoints, new DashboardSources(
        primary -> anomalies.list(primary, 0, 500),
        primary -> decisions.newest(primary, 500, false),
        ingest.heap()::get)));
    dashboard.serveOn(http);
    config.limits().exitWhenIdle().ifPresent(grace -> own(new IdleExit(ingest.sessions()::connected, clock, grace, this::stopServing)));
  }

  /**
   * The live models' settings: the defaults, the {@code forecast-*} training keys, and the
   * resource manager's lead (at 1 s steps) as one more horizon, so the manager's forecasts come
   * from the live streams and their LSTM (docs/forecasting.md).
   */
  static LearningSettings liveModelSettings(ShadowConfig config) {
    ShadowConfig.Forecast f = config.forecast();
    LearningSettings settings = LearningSettings.defaults().withTraining(f.checkEvery(), f.trainEvery(), f.minBlocks());
    if (config.manage().mode() != ShadowConfig.Manage.Mode.OFF) {
      settings = settings.withHorizon(
          new Horizon((int) Math.max(1, config.manage().lead().toSeconds()), Duration.ofSeconds(1)));
    }
    return settings;
  }

  private static WorkloadIdentity workloadIdentity(
      PrimaryIdentity id) {
    return new WorkloadIdentity(id.workload(),
        id.jvm().main().isBlank() ? id.workloadName() : id.jvm().main(), id.jvm().inputArguments(),
        Math.max(0, id.jvm().maxHeapBytes()));
  }

  /**
   * The tokens of the three roles: from the credential files in the data folder, made on the
   * first start; {@code token} (agent and reader) and {@code admin-token} (operator) replace
   * theirs when configured.
   */
  private static Credentials credentials(ShadowConfig config) throws ServerStartException {
    Map<Role, String> given = new EnumMap<>(Role.class);
    config.security().token().ifPresent(t -> {
      given.put(Role.AGENT, t);
      given.put(Role.READER, t);
    });
    config.security().adminToken().ifPresent(t -> given.put(Role.OPERATOR, t));
    try {
      return CredentialFiles.loadOrCreate(config.dataDir(), given);
    } catch (IOException e) {
      throw new ServerStartException("cannot set up the credentials in "
          + CredentialFiles.directory(config.dataDir()) + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code act}: every anomaly goes to the action policy, which rolls back in place (the app engine,
   * through the agent) and scales up through the allocator; each action is audited with the
   * manager's decisions, so ListDecisions, the dashboard and the events topic carry it.
   */
  private void startActing(Clock clock) {
    ActionPolicy policy = config.act().policy();
    Sessions sessions = ingest.sessions();
    AnomalyScaler scaler = own(AnomalyScaler.open(config.manage(), policy,
        id -> sessions.get(id).map(PrimarySession::identity),
        new JvmFlagsSessionChannel(sessions), clock));
    Responder responder = new Responder(policy, Optional.of(new AppRollbacks(checkpoints, sessions)),
        Optional.of(scaler), new ActionAudit(decisions, clock), clock);
    own(anomalies.subscribe(responder));
    logger.info("act: on anomalies, rules {}; at most {} action(s) of a kind per {} per workload, one per {}",
        policy.rulesText(), policy.budget(), policy.window(), policy.cooldown());
  }

  /** Rollbacks of {@code umbra serve --act}: in place, through the agent's app engine; no supervisor. */
  private record AppRollbacks(CheckpointCoordinator coordinator, Sessions sessions)
      implements Responder.Rollbacks {
    @Override
    public String engine() {
      return "app";
    }

    @Override
    public Optional<String> unavailable(String primaryId) {
      boolean app = sessions.get(primaryId)
          .map(s -> s.identity().capabilities().checkpointEngines().contains("app")).orElse(false);
      return app ? Optional.empty() : Optional.of("the primary registered no checkpointable state (no app engine)");
    }

    @Override
    public CompletableFuture<String> rollback(String primaryId, String reason) {
      return coordinator.rollback(primaryId, Optional.empty(), reason).thenApply(m -> "checkpoint " + m.id() + " in place");
    }
  }

  /** Stops accepting calls; {@link #awaitTermination()} returns once in-flight calls are done. */
  private void stopServing() {
    logger.info("no primary connected for the idle period; shutting down");
    // now, not after in-flight calls: a stream accepted in this instant would keep the shadow up
    // without a listener (and its data folder locked); its agent reconnects and spawns anew
    grpc.shutdownNow();
  }

  private static void requireFree(ShadowConfig.Endpoint endpoint, String what) throws ServerStartException {
    if (endpoint.port() == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(endpoint.host(), endpoint.port()));
    } catch (BindException e) {
      throw new ServerStartException("cannot listen on " + endpoint + what + ": address already in use", e);
    } catch (IOException e) {
      throw new ServerStartException("cannot listen on " + endpoint + what + ": " + e.getMessage(), e);
    }
  }

  private <T extends AutoCloseable> T own(T part) {
    started.push(part);
    return part;
  }

  public ShadowConfig config() {
    return config;
  }

  public InetSocketAddress grpcAddress() {
    return grpc.address();
  }

  public InetSocketAddress httpAddress() {
    return http.address();
  }

  public Ingest ingest() {
    return ingest;
  }

  public PrimaryForecasts forecasts() {
    return forecasts;
  }

  public CheckpointCoordinator checkpoints() {
    return checkpoints;
  }

  public Dashboard dashboard() {
    return dashboard;
  }

  /** The fleet part (Kafka), when {@code kafka} is configured. */
  public Optional<Fleet> fleet() {
    return Optional.ofNullable(fleet);
  }

  public SeriesStore store() {
    return store;
  }

  /** The resource manager's audit log (empty while the manager is off); subscribe to hear of new decisions. */
  public DecisionLog decisions() {
    return decisions;
  }

  /** Recent anomalies of every primary; subscribe to hear of new ones. */
  public AnomalyLog anomalies() {
    return anomalies;
  }

  public ShadowMetrics metrics() {
    return metrics;
  }

  /** Blocks until the gRPC server has stopped. */
  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) {
        logger.warn("closing {} failed", part.getClass().getSimpleName(), e);
      }
    }
  }
}
