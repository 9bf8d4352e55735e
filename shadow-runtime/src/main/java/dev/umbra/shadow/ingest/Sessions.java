package dev.umbra.shadow.ingest;

import dev.umbra.shadow.series.PrimaryRecord;
import io.grpc.Status;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every primary this shadow knows, keyed by {@code primary_id}: those streaming now, those
 * that disconnected, and those known only from history. Thread-safe.
 */
public final class Sessions {
  private static final Logger logger = LoggerFactory.getLogger(Sessions.class);

  private final Map<String, PrimarySession> byId = new ConcurrentHashMap<>();
  private final Clock clock;
  private final SessionLimits limits;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param known primaries from history, listed as gone until they reconnect
   * @param newestStoredSecond per primary, the newest second history holds
   */
  Sessions(Clock clock, List<PrimaryRecord> known, Map<String, Long> newestStoredSecond) {
    this(clock, known, newestStoredSecond, SessionLimits.DEFAULT);
  }

  Sessions(Clock clock, List<PrimaryRecord> known, Map<String, Long> newestStoredSecond, SessionLimits limits) {
    this.clock = clock;
    this.limits = limits;
    for (PrimaryRecord r : known) {
      PrimaryIdentity identity =
          new PrimaryIdentity(
              r.primaryId(), r.workload(), r.workloadName(), r.host(), r.pid(), r.jvmStartMillis(),
              r.agentVersion(), PrimaryIdentity.ReportedCriticality.UNKNOWN,
              new PrimaryIdentity.JvmFacts("", "", "", "", List.of(), List.of(), 0, 0, 0, 0, ""),
              new PrimaryIdentity.AgentCapabilities(false, false, false, List.of(), List.of(), List.of()));
      // Seconds up to the newest stored one are closed: what the agent resends for them can
      // only fill gaps, never replace a complete second with a part of it.
      long closedBelow = newestStoredSecond.getOrDefault(r.primaryId(), Long.MIN_VALUE - 1) + 1;
      byId.put(r.primaryId(), PrimarySession.restored(identity, r, closedBelow));
    }
  }

  /**
   * Attaches a stream for {@code hello}'s primary: finds or creates its session; a stream
   * already attached for the same primary is ended with ALREADY_EXISTS. A stream that does not
   * prove the primary's bound secret is refused before anything else is looked at.
   *
   * @throws NotProven when the primary is bound to a secret this Hello does not prove
   * @throws LimitReached when a primary not connected yet would exceed the {@link SessionLimits};
   *     no session is created for it then
   */
  synchronized PrimarySession attach(AgentHello hello, AgentLink link) {
    PrimaryIdentity identity = hello.identity();
    PrimarySession existing = byId.get(identity.primaryId());
    if (existing != null && !existing.admits(hello.secret(), link)) {
      throw new NotProven("primary " + identity.primaryId() + " is bound to the session secret of the agent"
          + " that connected first; this stream did not prove it");
    }
    admit(identity.primaryId(), link.clientAddress());
    long now = clock.millis();
    PrimarySession session =
        byId.computeIfAbsent(identity.primaryId(), id -> new PrimarySession(identity, now, Long.MIN_VALUE));
    AgentLink replaced = session.attach(hello, link, now, () -> SessionSecret.issue(random));
    if (replaced != null && replaced != link) {
      replaced.close(
          Status.ALREADY_EXISTS.withDescription(
              "replaced by a newer stream for primary " + identity.primaryId()));
      logger.info("primary={} reconnected; older stream replaced", identity.primaryId());
    } else {
      logger.info("primary={} workload={} ({}) connected", identity.primaryId(), identity.workload(),
          identity.workloadName());
    }
    return session;
  }

  /** See {@link IngestService#proves}. */
  boolean proves(String primaryId, byte[] secret) {
    PrimarySession session = byId.get(primaryId);
    if (session == null || secret.length < SessionSecret.MIN_BYTES || secret.length > SessionSecret.MAX_BYTES) {
      return false;
    }
    return session.proves(SessionSecret.of(secret));
  }

  /** A Hello for a primary bound to a secret it did not prove (PERMISSION_DENIED). */
  static final class NotProven extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotProven(String message) {
      super(message);
    }
  }

  /** Synchronized with attach, so that two Hellos cannot both take the last place. */
  private void admit(String primaryId, String address) {
    PrimarySession existing = byId.get(primaryId);
    if (existing != null && existing.state() == PrimaryState.CONNECTED) {
      return; // a reconnect replaces its older stream
    }
    int connected = 0;
    int fromAddress = 0;
    for (PrimarySession s : byId.values()) {
      if (s.state() == PrimaryState.CONNECTED) {
        connected++;
        if (address.equals(s.clientAddress())) {
          fromAddress++;
        }
      }
    }
    if (connected >= limits.maxPrimaries()) {
      throw new LimitReached("the shadow already serves " + connected + " connected primaries, its limit"
          + " (max-primaries); retry later or use another shadow");
    }
    if (fromAddress >= limits.maxPrimariesPerAddress()) {
      throw new LimitReached("the shadow already serves " + fromAddress + " connected primaries from this"
          + " client's address, its limit (max-primaries-per-address)");
    }
  }

  /** A new primary would exceed the {@link SessionLimits} (RESOURCE_EXHAUSTED). */
  static final class LimitReached extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LimitReached(String message) {
      super(message);
    }
  }

  void detach(PrimarySession session, AgentLink link) {
    session.detach(link, clock.millis());
  }

  public Optional<PrimarySession> get(String primaryId) {
    return Optional.ofNullable(byId.get(primaryId));
  }

  public Collection<PrimarySession> all() {
    return byId.values();
  }

  /** Primaries with an open stream. */
  public long connected() {
    return byId.values().stream().filter(s -> s.state() == PrimaryState.CONNECTED).count();
  }

}
