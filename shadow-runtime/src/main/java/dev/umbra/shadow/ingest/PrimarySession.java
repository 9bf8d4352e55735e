package dev.umbra.shadow.ingest;

import dev.umbra.proto.v1.CommandResult;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.Heartbeat;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryBatch;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.series.PrimaryRecord;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One primary run as the shadow sees it: its identity, its grid, which batches arrived, which
 * are durable, and the stream currently attached. It outlives streams: a reconnecting agent
 * finds its session again and continues its sequence numbers.
 *
 * <p>Its streams speak for it by proving the {@link SessionSecret} the first Hello bound; the
 * binding lasts while the primary is connected or disconnected, and ends when it is gone.
 *
 * <p>Thread-safe: the stream's gRPC thread, the tick thread and API calls use it; every
 * mutable field is guarded by {@code this}.
 */
public final class PrimarySession {
  private static final Logger logger = LoggerFactory.getLogger(PrimarySession.class);
  /** At most one WARN about lost batches per primary in this period; all are counted. */
  static final long LOSS_LOG_PERIOD_MILLIS = 60_000;

  private volatile PrimaryIdentity identity;
  private final GridAccumulator grid;
  private final ArrayDeque<long[]> pending = new ArrayDeque<>(); // {sequence, maxSecond, arrivalNanos}
  private final Map<Long, CompletableFuture<CommandResult>> inflight = new ConcurrentHashMap<>();
  private final AtomicLong nextCommandId = new AtomicLong(1);
  private final long firstSeenMillis;

  private AgentLink link;
  private PrimaryState state;
  private long connectedMillis;
  private long lastSeenMillis;
  private long stateSinceMillis;
  private final SequenceWindow sequences = new SequenceWindow();
  private SessionSecret secret; // null: not bound (new, restored from history, or gone)
  private long nextLossLogMillis = Long.MIN_VALUE;
  private long lostSinceLog;
  private long durableSequence;
  private long batchesReceived;
  private long batchesLost;
  private long pointsReceived;
  private long pointsRejected;
  private long adviceErrors;
  private long rejectedSinceAck;
  private String rejectionSinceAck;
  private boolean recordDirty = true;

  /** A session for a primary first seen now. */
  PrimarySession(PrimaryIdentity identity, long nowMillis, long closedBelowSecond) {
    this.identity = identity;
    this.grid = new GridAccumulator(identity.primaryId(), closedBelowSecond);
    this.firstSeenMillis = nowMillis;
    this.lastSeenMillis = nowMillis;
    this.state = PrimaryState.GONE;
    this.stateSinceMillis = nowMillis;
  }

  /** A session restored from history after a restart; batches up to its durable sequence are stored. */
  static PrimarySession restored(PrimaryIdentity identity, PrimaryRecord record, long closedBelowSecond) {
    PrimarySession s = new PrimarySession(identity, record.firstSeenMillis(), closedBelowSecond);
    s.lastSeenMillis = record.lastSeenMillis();
    s.durableSequence = record.durableSequence();
    if (record.durableSequence() > 0) {
      s.sequences.arrivedUpTo(record.durableSequence());
    }
    s.recordDirty = false;
    return s;
  }

  public PrimaryIdentity identity() {
    return identity;
  }

  public String primaryId() {
    return identity.primaryId();
  }

  /**
   * Whether a Hello on {@code stream} may speak for this primary: the stream already does, no
   * secret is bound, or it proves the bound one (compared in constant time).
   */
  synchronized boolean admits(Optional<SessionSecret> presented, AgentLink stream) {
    if (secret == null || stream == link) {
      return true;
    }
    return presented.isPresent() && secret.matches(presented.get());
  }

  /** Whether {@code presented} is the bound secret; false while none is bound. */
  synchronized boolean proves(SessionSecret presented) {
    return secret != null && secret.matches(presented);
  }

  /**
   * Attaches a new stream, which {@link #admits} let in; binds the Hello's secret when none is
   * bound, or one from {@code issue} (sent to the agent in a Welcome) when the Hello has none.
   * Returns the stream it replaces, if any.
   */
  synchronized AgentLink attach(AgentHello hello, AgentLink newLink, long nowMillis, Supplier<SessionSecret> issue) {
    AgentLink old = link;
    if (secret == null) {
      secret = hello.secret().orElse(null);
      if (secret == null) {
        secret = issue.get();
        newLink.welcome(secret.bytes());
      }
    }
    identity = hello.identity();
    link = newLink;
    state = PrimaryState.CONNECTED;
    connectedMillis = nowMillis;
    lastSeenMillis = nowMillis;
    stateSinceMillis = nowMillis;
    recordDirty = true;
    long next = hello.nextSequence();
    if (next > 0 && sequences.known() && sequences.highest() - next >= SequenceWindow.SIZE) {
      // The shadow's count is far ahead of anything this agent has numbered: it is another
      // numbering (or was forged). Start again rather than take the agent's batches for resends.
      logger.warn("primary={} resumes at sequence {}, {} below the highest this shadow received; counting afresh",
          identity.primaryId(), next, sequences.highest() - next);
      restartCount(next);
    } else if (durableSequence > 0) {
      newLink.ack(durableSequence, 0, null); // lets the agent free what an earlier shadow stored
    }
    return old;
  }

  /** Forgets the count above {@code next - 1}: no Ack for it, no batch skipped because of it. */
  private void restartCount(long next) {
    sequences.forget();
    durableSequence = Math.min(durableSequence, next - 1);
    pending.removeIf(p -> p[0] >= next);
  }

  /** Detaches {@code closing} if it is still the attached stream. */
  synchronized void detach(AgentLink closing, long nowMillis) {
    if (link == closing) {
      link = null;
      state = PrimaryState.DISCONNECTED;
      stateSinceMillis = nowMillis;
      inflight.values().forEach(f -> f.complete(unavailable("the agent disconnected")));
      inflight.clear();
    }
  }

  /**
   * Takes one batch: skips one received before, counts a gap as lost (and says so, at most once
   * a minute), adds its valid points to the grid. A batch is never skipped because a higher
   * number arrived: a late one is stored, one far below restarts the count.
   *
   * @return false when the batch was skipped as one received before
   * @throws IllegalArgumentException for a batch that breaks the protocol (sequence 0)
   */
  synchronized boolean accept(TelemetryBatch batch, long nowMillis, long nowNanos, IngestCounters counters) {
    long sequence = batch.getSequence();
    if (sequence <= 0) {
      throw new IllegalArgumentException(sequence == 0 ? "batch.sequence must start at 1"
          : "batch.sequence is above 2^63: " + Long.toUnsignedString(sequence));
    }
    lastSeenMillis = nowMillis;
    long highestBefore = sequences.highest();
    SequenceWindow.Verdict verdict = sequences.offer(sequence);
    switch (verdict.kind()) {
      case DUPLICATE -> {
        if (sequence <= durableSequence && link != null) {
          link.ack(durableSequence, 0, null); // a resend of something stored: let the agent free it
        }
        return false;
      }
      case AHEAD -> lost(verdict.lost(), sequence, nowMillis, counters);
      case RESTART -> {
        logger.warn("primary={} batch {} is {} below the highest received; counting afresh from it",
            identity.primaryId(), sequence, highestBefore - sequence);
        durableSequence = Math.min(durableSequence, sequence - 1);
        pending.removeIf(p -> p[0] > sequence);
      }
      case NEXT, LATE -> { }
    }
    batchesReceived++;
    WireMapping.BatchOutcome outcome = WireMapping.addPoints(batch, grid, nowMillis);
    pointsReceived += outcome.accepted;
    pointsRejected += outcome.rejected;
    counters.batch(outcome.accepted, outcome.rejectedByReason);
    if (outcome.rejected > 0) {
      rejectedSinceAck += outcome.rejected;
      if (rejectionSinceAck == null) {
        rejectionSinceAck = outcome.firstRejection;
      }
    }
    pending.add(new long[] {sequence, outcome.maxSecond, nowNanos});
    recordDirty = true;
    return true;
  }

  private void lost(long lost, long sequence, long nowMillis, IngestCounters counters) {
    batchesLost += lost;
    counters.batchesLost(lost);
    lostSinceLog += lost;
    if (nowMillis >= nextLossLogMillis) {
      nextLossLogMillis = nowMillis + LOSS_LOG_PERIOD_MILLIS;
      logger.warn("primary={} lost {} batches before batch {} (logged at most once a minute; counted in"
          + " umbra_ingest_batches_lost_total)", identity.primaryId(), lostSinceLog, sequence);
      lostSinceLog = 0;
    }
  }

  synchronized void heartbeat(Heartbeat heartbeat, long nowMillis) {
    lastSeenMillis = nowMillis;
    adviceErrors = heartbeat.getAdviceErrors();
  }

  /**
   * What one tick produced for this session.
   *
   * @param early the canonical series' seconds offered early (GridAccumulator#takeEarly)
   */
  record Tick(List<GridPoint> points, long ackSequence, long[] arrivalNanos, PrimaryRecord record, List<GridPoint> early) {}

  /**
   * Closes the grid below {@code watermarkSecond}; the batches whose points all fell below it
   * can be acknowledged once those points are durable.
   *
   * @return null when there is nothing to write
   */
  synchronized Tick tick(long watermarkSecond) {
    List<GridPoint> points = grid.closeBelow(watermarkSecond);
    List<GridPoint> early = grid.takeEarly();
    long ack = -1;
    List<Long> arrivals = new ArrayList<>();
    while (!pending.isEmpty() && pending.peek()[1] < watermarkSecond) {
      long[] p = pending.poll();
      ack = p[0];
      arrivals.add(p[2]);
    }
    if (points.isEmpty() && early.isEmpty() && ack < 0 && !recordDirty) {
      return null;
    }
    recordDirty = false;
    long durable = Math.max(ack, durableSequence);
    PrimaryIdentity id = identity;
    PrimaryRecord record =
        new PrimaryRecord(
            id.primaryId(), id.workload(), id.workloadName(), id.host(), id.pid(),
            id.jvmStartMillis(), firstSeenMillis, lastSeenMillis, id.agentVersion(), durable);
    return new Tick(points, ack, arrivals.stream().mapToLong(Long::longValue).toArray(), record, early);
  }

  /**
   * Called once the batches up to {@code sequence} are durable: acknowledges them, with the
   * points refused since the last Ack (they belong to batches up to this one).
   */
  synchronized void durable(long sequence) {
    if (sequence <= durableSequence) {
      return;
    }
    durableSequence = sequence;
    if (link != null) {
      link.ack(durableSequence, rejectedSinceAck, rejectionSinceAck);
      rejectedSinceAck = 0;
      rejectionSinceAck = null;
    }
  }

  /** Marks the session gone once it has been disconnected for {@code graceMillis}. */
  synchronized boolean expire(long nowMillis, long graceMillis) {
    if (state == PrimaryState.DISCONNECTED && nowMillis - stateSinceMillis >= graceMillis) {
      state = PrimaryState.GONE;
      secret = null; // the next Hello for this id binds again
      stateSinceMillis = nowMillis;
      return true;
    }
    return false;
  }

  /** The client address of the attached stream; null when none is attached. */
  synchronized String clientAddress() {
    return link == null ? null : link.clientAddress();
  }

  public synchronized PrimaryState state() {
    return state;
  }

  synchronized long stateSinceMillis() {
    return stateSinceMillis;
  }

  /**
   * Sends a command to the agent. The future completes with the agent's CommandResult, or with
   * an UNAVAILABLE-like result if the agent is not connected or disconnects first.
   */
  public CompletableFuture<CommandResult> send(ShadowCommand.Builder command) {
    long id = nextCommandId.getAndIncrement();
    CompletableFuture<CommandResult> result = new CompletableFuture<>();
    AgentLink current;
    synchronized (this) {
      current = link;
      if (current == null) {
        return CompletableFuture.completedFuture(unavailable("the primary is not connected"));
      }
      inflight.put(id, result);
    }
    if (!current.send(command.setCommandId(id).build())) {
      inflight.remove(id);
      return CompletableFuture.completedFuture(unavailable("the agent is not reading its stream"));
    }
    return result;
  }

  void completed(CommandResult result) {
    CompletableFuture<CommandResult> f = inflight.remove(result.getCommandId());
    if (f != null) {
      f.complete(result);
    }
  }

  private static CommandResult unavailable(String why) {
    return CommandResult.newBuilder().setStatus(CommandStatus.COMMAND_STATUS_FAILED).setMessage(why).build();
  }

  synchronized void closeStream(Status status) {
    if (link != null) {
      link.close(status);
    }
  }

  public synchronized PrimaryView view() {
    long sent = batchesReceived + batchesLost;
    return new PrimaryView(
        identity, state, connectedMillis, lastSeenMillis,
        sent == 0 ? 0.0 : (double) batchesLost / sent,
        batchesReceived, batchesLost, pointsReceived, pointsRejected, adviceErrors);
  }
}
