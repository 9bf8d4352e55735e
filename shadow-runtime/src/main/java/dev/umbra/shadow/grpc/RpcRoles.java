package dev.umbra.shadow.grpc;

import static dev.umbra.shadow.auth.Role.AGENT;
import static dev.umbra.shadow.auth.Role.OPERATOR;
import static dev.umbra.shadow.auth.Role.READER;
import static java.util.Map.entry;

import dev.umbra.shadow.auth.Role;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which role may call each RPC: the one table {@link AuthInterceptor} decides by. A method of a
 * shadow service that is not here is refused to everyone (PERMISSION_DENIED), so a new RPC is
 * closed until it gets a row ({@code AuthInterceptorTest} and SecurityIT fail for a method
 * without one: add the row here and the expected statuses there). The operator's token also
 * carries the reader's role ({@link dev.umbra.shadow.auth.Credentials}).
 * Health and reflection are served beside these services, outside every interceptor, open.
 */
final class RpcRoles {
  private RpcRoles() {}

  static final Map<String, Set<Role>> TABLE = Map.ofEntries(
      // an agent speaks for its own primary only: the Hello proves the session secret (Sessions)
      entry("umbra.v1.TelemetryService/Connect", Set.of(AGENT)),
      // and uploads only its own primary's checkpoints: the call proves the secret (Caller)
      entry("umbra.v1.TelemetryService/UploadCheckpoint", Set.of(AGENT)),
      // application state: operators, or the agent of that primary proving its secret (Caller)
      entry("umbra.v1.TelemetryService/DownloadCheckpoint", Set.of(OPERATOR, AGENT)),
      entry("umbra.v1.ForecastService/GetForecast", Set.of(READER)),
      entry("umbra.v1.ForecastService/WatchForecasts", Set.of(READER)),
      entry("umbra.v1.AnomalyService/ListAnomalies", Set.of(READER)),
      entry("umbra.v1.AnomalyService/WatchAnomalies", Set.of(READER)),
      entry("umbra.v1.ControlService/ListPrimaries", Set.of(READER)),
      entry("umbra.v1.ControlService/GetSeries", Set.of(READER)),
      entry("umbra.v1.ControlService/ListCheckpoints", Set.of(READER)),
      entry("umbra.v1.ControlService/ListDecisions", Set.of(READER)),
      entry("umbra.v1.ControlService/GetHeap", Set.of(READER)),
      entry("umbra.v1.ControlService/Checkpoint", Set.of(OPERATOR)),
      entry("umbra.v1.ControlService/Rollback", Set.of(OPERATOR)),
      entry("umbra.v1.ControlService/SetSampling", Set.of(OPERATOR)));

  /** The roles that may call {@code fullMethodName}; empty when it has no row (nobody may). */
  static Optional<Set<Role>> allowed(String fullMethodName) {
    return Optional.ofNullable(TABLE.get(fullMethodName));
  }
}
