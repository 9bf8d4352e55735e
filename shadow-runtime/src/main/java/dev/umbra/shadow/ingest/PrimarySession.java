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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One primary run as the shadow sees it: its identity, its grid, which batches arrived, which
 * are durable, and the stream currently attached. It outlives streams: a reconnecting agent
 * finds its session again and continues its sequence numbers.
 *
 * <p>Thread-safe: the stream's gRPC thread, the tick thread and API calls use it; every
 * mutable field is guarded by {@code this}.
 */
public final class PrimarySession {
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
  private boolean sequenceKnown;
  private long highestSequence;
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
    s.highestSequence = record.durableSequence();
    s.sequenceKnown = record.durableSequence() > 0;
    s.recordDirty = false;
    return s;
  }

  public PrimaryIdentity identity() {
    return identity;
  }

  public String primaryId() {
    return identity.primaryId();
  }

  /** Attaches a new stream; returns the one it replaces, if any. */
  synchronized AgentLink attach(PrimaryIdentity hello, AgentLink newLink, long nowMillis) {
    AgentLink old = link;
    identity = hello;
    link = newLink;
    state = PrimaryState.CONNECTED;
    connectedMillis = nowMillis;
    lastSeenMillis = nowMillis;
    stateSinceMillis = nowMillis;
    recordDirty = true;
    if (durableSequence > 0) {
      newLink.ack(durableSequence, 0, null); // lets the agent free what an earlier shadow stored
    }
    return old;
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
   * Takes one batch: skips a duplicate, counts a gap as lost, adds its valid points to the grid.
   *
   * @throws IllegalArgumentException for a batch that breaks the protocol (sequence 0)
   */
  synchronized void accept(TelemetryBatch batch, long nowMillis, long nowNanos, IngestCounters counters) {
    long sequence = batch.getSequence();
    if (sequence == 0) {
      throw new IllegalArgumentException("batch.sequence must start at 1");
    }
    lastSeenMillis = nowMillis;
    if (sequenceKnown && sequence <= highestSequence) {
      if (sequence <= durableSequence && link != null) {
        link.ack(durableSequence, 0, null); // a resend of something stored: let the agent free it
      }
      return;
    }
    if (sequenceKnown && sequence > highestSequence + 1) {
      long lost = sequence - highestSequence - 1;
      batchesLost += lost;
      counters.batchesLost(lost);
    }
    sequenceKnown = true;
    highestSequence = sequence;
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
