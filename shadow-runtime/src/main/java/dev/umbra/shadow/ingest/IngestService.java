package dev.umbra.shadow.ingest;

import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.shadow.heap.HeapStore;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of {@code TelemetryService.Connect}: one {@link AgentStream} per call. A
 * stream must start with Hello and carries one primary. Bad points are refused and reported in
 * the next Ack; only protocol violations end the stream, with a status that says why.
 */
public final class IngestService {
  private static final Logger logger = LoggerFactory.getLogger(IngestService.class);

  /** The client's host, set by the gRPC edge for each call; "unknown" when it is not. */
  public static final Context.Key<String> CLIENT_ADDRESS = Context.keyWithDefault("umbra-client-address", "unknown");

  private final Sessions sessions;
  private final Clock clock;
  private final IngestCounters counters;
  private final HeapStore heap;
  private final AtomicLong nextRefusalLogMillis = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong nextDenialLogMillis = new AtomicLong(Long.MIN_VALUE);

  IngestService(Sessions sessions, Clock clock, IngestCounters counters, HeapStore heap) {
    this.sessions = sessions;
    this.clock = clock;
    this.counters = counters;
    this.heap = heap;
  }

  /** Handles one Connect call. */
  /**
   * Whether {@code secret} is the session secret bound to {@code primaryId} (constant time); false
   * for an unknown primary, an unbound one or bytes that cannot be a secret.
   */
  public boolean proves(String primaryId, byte[] secret) {
    return sessions.proves(primaryId, secret);
  }

  public StreamObserver<AgentMessage> connect(StreamObserver<ShadowCommand> responses) {
    return new AgentStream(new AgentLink((ServerCallStreamObserver<ShadowCommand>) responses, CLIENT_ADDRESS.get()));
  }

  private final class AgentStream implements StreamObserver<AgentMessage> {
    private final AgentLink link;
    private PrimarySession session;

    AgentStream(AgentLink link) {
      this.link = link;
    }

    @Override
    public void onNext(AgentMessage message) {
      try {
        switch (message.getKindCase()) {
          case HELLO -> hello(message);
          case BATCH -> {
            requireHello("TelemetryBatch");
            long now = clock.millis();
            if (session.accept(message.getBatch(), now, System.nanoTime(), counters)
                && message.getBatch().getEventsCount() > 0) {
              WireMapping.HeapEvents events = WireMapping.addHeapEvents(message.getBatch(), session.primaryId(), heap, now);
              counters.eventsRejected("time", events.badTime());
              counters.eventsRejected("malformed", events.malformed());
            }
          }
          case HEARTBEAT -> {
            requireHello("Heartbeat");
            session.heartbeat(message.getHeartbeat(), clock.millis());
          }
          case COMMAND_RESULT -> {
            requireHello("CommandResult");
            session.completed(message.getCommandResult());
          }
          case KIND_NOT_SET -> throw new IllegalArgumentException("AgentMessage has no kind set");
        }
      } catch (Sessions.LimitReached e) {
        refuse(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()), nextRefusalLogMillis,
            "refusing new primaries: " + e.getMessage());
      } catch (Sessions.NotProven e) {
        refuse(Status.PERMISSION_DENIED.withDescription(e.getMessage()), nextDenialLogMillis,
            "refusing a stream from " + link.clientAddress() + ": " + e.getMessage());
      } catch (ProtocolViolation e) {
        fail(Status.FAILED_PRECONDITION.withDescription(e.getMessage()));
      } catch (IllegalArgumentException e) {
        fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
      }
    }

    private void hello(AgentMessage message) {
      AgentHello hello = WireMapping.toHello(message.getHello());
      if (session != null && !session.primaryId().equals(hello.primaryId())) {
        throw new ProtocolViolation(
            "a stream carries one primary: Hello for " + hello.primaryId() + " after "
                + session.primaryId());
      }
      session = sessions.attach(hello, link);
    }

    private void requireHello(String what) {
      if (session == null) {
        throw new ProtocolViolation("the first message on a stream must be Hello, not " + what);
      }
    }

    /**
     * Refuses a Hello (over the limits, or not proving the primary's secret): counted on
     * /metrics by status, and each kind logged at most once a minute, since a flood of Hellos
     * is what the refusal is for. The stream ends; the primary's own stream, if any, is untouched.
     */
    private void refuse(Status status, AtomicLong nextLogMillis, String logLine) {
      counters.streamError(status.getCode().name());
      long now = clock.millis();
      long next = nextLogMillis.get();
      if (now >= next && nextLogMillis.compareAndSet(next, now + 60_000)) {
        logger.warn("{} (logged once a minute; counted in stream errors)", logLine);
      }
      link.close(status);
    }

    private void fail(Status status) {
      counters.streamError(status.getCode().name());
      logger.warn("closing agent stream primary={}: {} {}",
          session == null ? "(before Hello)" : session.primaryId(), status.getCode(), status.getDescription());
      link.close(status);
      if (session != null) {
        sessions.detach(session, link);
      }
    }

    @Override
    public void onError(Throwable t) {
      if (session != null) {
        sessions.detach(session, link);
        logger.info("primary={} stream ended: {}", session.primaryId(), Status.fromThrowable(t).getCode());
      }
    }

    @Override
    public void onCompleted() {
      if (session != null) {
        sessions.detach(session, link);
        logger.info("primary={} disconnected", session.primaryId());
      }
      link.close(Status.OK);
    }
  }

  /** The stream broke the protocol (FAILED_PRECONDITION). */
  private static final class ProtocolViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
      super(message);
    }
  }
}
